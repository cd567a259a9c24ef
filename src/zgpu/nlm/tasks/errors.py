"""Errors the task heads raise.

::

    ArtifactError
    └── LabelEmbeddingsMismatch   code "label_embeddings_mismatch"
"""

from __future__ import annotations

from typing import ClassVar

from zgpu.nlm.errors import ArtifactError


class LabelEmbeddingsMismatch(ArtifactError):
    """Precomputed label embeddings do not fit the label texts (wrong shape or not finite)."""

    code: ClassVar[str] = "label_embeddings_mismatch"

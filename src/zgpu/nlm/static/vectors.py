"""Static token vectors distilled from the int8 encoder (the model2vec idea), built once.

Each word piece of the vocabulary is embedded on its own (``[CLS] piece [SEP]``) with the
encoder; the vectors are centred and rotated onto their principal axes (optionally keeping
the first ``dims``), and each is scaled by a smooth-inverse-frequency weight
``sif / (sif + p(rank))``, where ``p`` is a Zipf distribution over the vocabulary order (the
BERT vocabulary lists whole words roughly by frequency). Frequent pieces ("the", "of") thus
count little in a text's sum. Last, the Zipf-weighted mean vector (what an average text sums
to) is subtracted from every row, so long texts do not all lean the same way; without it a few
"hub" labels win every text. On the IAB development set, with label descriptions, a small
``sif`` (weights nearly proportional to rank) gave the best exact-category accuracy. The table
is an ``ArtifactStore`` array named by the encoder's sha256 and these settings, so it is
distilled once per encoder.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from zgpu.nlm.artifacts import ArtifactStore, recipe_key
from zgpu.nlm.encoder import Encoder

STATIC_VERSION = "1"
"""Bump whenever ``distill_token_vectors`` changes what it computes."""

DISTILL_CHUNK = 2048
"""Vocabulary ids embedded per progress step."""

Progress = Callable[[str, float], None]
FloatArray = NDArray[np.float32]


@dataclass(frozen=True)
class StaticSettings:
    """How the token table is distilled; part of its artifact key."""

    dims: int | None = 256
    """Principal components kept (``None``: all of them)."""
    sif: float = 1e-6
    """The smooth-inverse-frequency constant (``a`` in ``a / (a + p)``)."""

    def recipe(self) -> dict[str, object]:
        """A JSON-able description, hashed into the artifact key."""
        return {"version": STATIC_VERSION, "dims": self.dims, "sif": self.sif}


def zipf_probabilities(count: int) -> NDArray[np.float64]:
    """Zipf probabilities ``p ∝ 1/(rank+1)`` of ranks ``1..count`` (they sum to 1)."""
    inverse_rank = 1.0 / np.arange(2, count + 2, dtype=np.float64)
    probabilities: NDArray[np.float64] = inverse_rank / inverse_rank.sum()
    return probabilities


def sif_weights(count: int, sif: float) -> FloatArray:
    """``sif / (sif + p)`` for ranks ``1..count`` with Zipf probabilities ``p``."""
    return (sif / (sif + zipf_probabilities(count))).astype(np.float32)


def principal_axes(vectors: FloatArray, dims: int | None) -> FloatArray:
    """Centre ``vectors`` and project them onto their first ``dims`` principal axes.

    Each axis's sign is fixed (its largest-magnitude loading is positive), so the result
    does not depend on the SVD routine's sign choice. Raises ``ValueError`` if ``dims`` is
    not in ``1..vectors.shape[1]``.
    """
    width = vectors.shape[1]
    keep = width if dims is None else dims
    if not 1 <= keep <= width:
        raise ValueError(f"dims must be in 1..{width}, got {dims}")
    data = vectors.astype(np.float64)
    centred = data - data.mean(axis=0)
    _, _, axes = np.linalg.svd(centred, full_matrices=False)
    axes = axes[:keep]
    signs = np.sign(axes[np.arange(keep), np.argmax(np.abs(axes), axis=1)])
    axes *= signs[:, None]
    projected: FloatArray = (centred @ axes.T).astype(np.float32)
    return projected


def distill_token_vectors(
    encoder: Encoder, settings: StaticSettings, progress: Progress | None = None
) -> FloatArray:
    """The static table: one float32 row per vocabulary id (see the module docstring).

    Takes about a minute on two cores (30,522 short runs of the encoder). Raises
    ``InferenceError`` if the encoder fails and ``ValueError`` on bad settings.
    """
    count = encoder.vocab_size
    parts: list[FloatArray] = []
    for start in range(0, count, DISTILL_CHUNK):
        ids = range(start, min(start + DISTILL_CHUNK, count))
        parts.append(encoder.embed_token_ids(list(ids)))
        if progress is not None:
            progress("distilling static token vectors", min(1.0, (start + DISTILL_CHUNK) / count))
    table = principal_axes(np.concatenate(parts), settings.dims)
    weighted = table.astype(np.float64) * sif_weights(count, settings.sif)[:, None]
    weighted -= zipf_probabilities(count) @ weighted
    return np.ascontiguousarray(weighted, dtype=np.float32)


def static_vectors_key(encoder_sha256: str, settings: StaticSettings) -> str:
    """The artifact key of the table distilled from the encoder with this sha256."""
    return "static-vectors/" + recipe_key({"encoder": encoder_sha256, **settings.recipe()})


def load_static_vectors(
    store: ArtifactStore,
    encoder: Encoder,
    encoder_sha256: str,
    settings: StaticSettings,
    progress: Progress | None = None,
) -> FloatArray:
    """The token table for ``encoder``, distilled on first use and cached in ``store``.

    Raises ``ArtifactError`` if the store fails and ``InferenceError`` if the encoder does.
    """
    key = static_vectors_key(encoder_sha256, settings)
    table = store.cached_array(key, lambda: distill_token_vectors(encoder, settings, progress))
    return np.ascontiguousarray(table, dtype=np.float32)

"""What the tasks need from an encoder: a small structural interface.

Tasks depend on this Protocol, not on a concrete encoder class, so the ONNX encoder, a numpy
reference or a batching front-end can all serve them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np
from numpy.typing import NDArray


class TextEncoder(Protocol):
    """A sentence encoder with its tokenizer.

    ``embed`` returns float32 of shape ``(len(texts), dim)``, each row L2-normalised, and the
    same text always gets the same row whatever else is in the call. Texts longer than
    ``max_tokens`` are embedded from their first ``max_tokens`` tokens.
    """

    @property
    def max_tokens(self) -> int:
        """The longest input, in tokens, that ``embed`` reads in full."""
        ...

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """Embed ``texts``; an empty sequence gives an array of shape ``(0, dim)``."""
        ...

    def count_tokens(self, text: str) -> int:
        """Number of word-piece tokens in ``text`` (no special tokens)."""
        ...

    def truncate(self, text: str, max_tokens: int) -> tuple[str, int]:
        """The longest prefix of ``text`` with at most ``max_tokens`` tokens, and its count."""
        ...

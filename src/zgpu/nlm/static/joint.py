"""The static stage's document encoder: a static embedding beside its projection into full space.

A static embedding ``s`` (``StaticEncoder``) is good at words and weak at meaning; the int8
encoder's space holds better label embeddings. ``fit_projection`` learns a linear map ``A``
from static to full space by ridge regression on the taxonomy label texts, which both stages
already embed (so no corpus ships or downloads). ``JointEncoder`` embeds a text as

    [s, normalise(s A)] / sqrt(2)

and ``joint_label_embeddings`` pairs each label's static and full embeddings the same way, so
a cosine in the joint space is the mean of the static cosine and the projected cosine. On the
IAB development set this lifts the static stage's exact-category top-1 from 59.1% to about
65% (``bench/speed.py``), at the cost of one 256 × 384 product per text.

Every row is projected on its own (one vector-matrix product per text, which BLAS computes
whole for each output column), so a text's embedding is the same bytes alone or in any call.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from zgpu.nlm.static.encoder import StaticEncoder

FloatArray = NDArray[np.float32]

PROJECTION_RIDGE = 0.1
"""The ridge penalty of ``fit_projection`` (chosen on the development set: 0.001–0.1 agree)."""

PROJECTION_VERSION = "1"
"""Bump whenever ``fit_projection`` changes what it computes (part of the artifact key)."""

_HALF = np.float32(1.0 / np.sqrt(2.0))
_TINY = np.float32(1e-12)


def _unit_rows(rows: NDArray[np.floating]) -> FloatArray:
    norms = np.sqrt(np.einsum("ij,ij->i", rows, rows))[:, None]
    out: FloatArray = (rows / np.maximum(norms, _TINY)).astype(np.float32)
    return out


def fit_projection(
    source: FloatArray, target: FloatArray, ridge: float = PROJECTION_RIDGE
) -> FloatArray:
    """The ridge-regression map ``A`` (``source.shape[1]`` × ``target.shape[1]``), float32.

    Minimises ``|source A - target|² + ridge |A|²`` over paired rows (the same texts embedded
    by the two stages). Raises ``ValueError`` when the rows do not pair up, there are none, or
    ``ridge`` is not positive.
    """
    if source.ndim != 2 or target.ndim != 2 or len(source) != len(target) or len(source) == 0:
        raise ValueError(f"need paired 2-D rows, got {source.shape} and {target.shape}")
    if ridge <= 0:
        raise ValueError("ridge must be positive")
    x = source.astype(np.float64)
    y = target.astype(np.float64)
    gram = x.T @ x + ridge * np.eye(x.shape[1])
    return np.ascontiguousarray(np.linalg.solve(gram, x.T @ y), dtype=np.float32)


def joint_label_embeddings(static_rows: FloatArray, full_rows: FloatArray) -> FloatArray:
    """Each label's ``[static row, full row] / sqrt(2)`` (both halves L2-normalised first).

    Raises ``ValueError`` when the two stages embedded a different number of labels.
    """
    if len(static_rows) != len(full_rows):
        raise ValueError(f"{len(static_rows)} static label rows but {len(full_rows)} full ones")
    joined = np.hstack([_unit_rows(static_rows), _unit_rows(full_rows)]) * _HALF
    return np.ascontiguousarray(joined, dtype=np.float32)


class JointEncoder:
    """A ``TextEncoder``: ``StaticEncoder`` rows next to their projection (module docstring).

    Token counting and truncation are the static encoder's. Safe to call from many threads.
    """

    def __init__(self, static: StaticEncoder, projection: FloatArray) -> None:
        """Project ``static``'s rows with ``projection`` (``static.dim`` rows, finite).

        Raises ``ValueError`` when the projection does not fit the static encoder.
        """
        if projection.ndim != 2 or projection.shape[0] != static.dim:
            raise ValueError(
                f"the projection has shape {projection.shape}; needs {static.dim} rows"
            )
        if not np.all(np.isfinite(projection)):
            raise ValueError("the projection contains NaN or infinity")
        matrix = np.ascontiguousarray(projection, dtype=np.float32)
        matrix.setflags(write=False)
        self._static = static
        self._projection = matrix

    @property
    def static(self) -> StaticEncoder:
        """The static encoder underneath."""
        return self._static

    @property
    def dim(self) -> int:
        """Size of an embedding: the static width plus the projected width."""
        return self._static.dim + int(self._projection.shape[1])

    @property
    def max_tokens(self) -> int:
        """The static encoder's ``max_tokens``."""
        return self._static.max_tokens

    def count_tokens(self, text: str) -> int:
        """The static encoder's token count."""
        return self._static.count_tokens(text)

    def truncate(self, text: str, max_tokens: int) -> tuple[str, int]:
        """The static encoder's truncation (raises ``ValueError`` on negative ``max_tokens``)."""
        return self._static.truncate(text, max_tokens)

    def embed(self, texts: Sequence[str]) -> FloatArray:
        """Embed ``texts``: float32 ``(len(texts), dim)``, rows L2-normalised.

        A text with no word piece gets the zero vector. Raises ``TypeError`` if given a
        single string.
        """
        if isinstance(texts, str):
            raise TypeError("embed takes a sequence of texts, not a single string")
        rows = self._static.embed(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        width = self._static.dim
        for i, row in enumerate(rows):
            if not row.any():
                continue
            projected = row @ self._projection
            norm = np.float32(np.sqrt(np.dot(projected, projected)))
            out[i, :width] = row * _HALF
            out[i, width:] = projected / max(norm, _TINY) * _HALF
        return out

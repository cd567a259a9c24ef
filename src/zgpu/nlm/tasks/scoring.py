"""Turning cosine similarities into the [0, 1] scores the results report.

MiniLM cosines between a text and a short label rarely leave [-0.1, 0.8], and the informative
range is narrow, so the map is a logistic curve centred on ``COSINE_CENTER``:

    score = 1 / (1 + exp(-(cosine - COSINE_CENTER) / COSINE_SCALE))

It is strictly increasing (the order of cosines is the order of scores), gives 0.5 at a cosine
of 0.25, about 0.82 at 0.40 and about 0.95 at 0.55. Scores are rounded to 4 decimals.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

COSINE_CENTER = 0.25
COSINE_SCALE = 0.10
DECIMALS = 4


def cosine_to_score(cosine: float) -> float:
    """The report score of a cosine similarity: monotone, in [0, 1], 4 decimals."""
    value = 1.0 / (1.0 + math.exp(-(float(cosine) - COSINE_CENTER) / COSINE_SCALE))
    return round(min(1.0, max(0.0, value)), DECIMALS)


def mmr_select(
    relevance: NDArray[np.float32],
    embeddings: NDArray[np.float32],
    count: int,
    diversity: float,
) -> list[int]:
    """Maximal marginal relevance: pick ``count`` indices, best first.

    Each step takes the candidate maximising ``(1 - diversity) * relevance - diversity * (max
    cosine to the already picked)``; ``embeddings`` rows must be L2-normalised. Ties go to the
    lower index, so the result is deterministic.
    """
    total = len(relevance)
    count = min(count, total)
    if count <= 0:
        return []
    similarity = embeddings @ embeddings.T
    picked: list[int] = [int(np.argmax(relevance))]
    redundancy = similarity[picked[0]].astype(np.float64)
    available = np.ones(total, dtype=bool)
    available[picked[0]] = False
    while len(picked) < count:
        gain = (1.0 - diversity) * relevance.astype(np.float64) - diversity * redundancy
        gain[~available] = -np.inf
        best = int(np.argmax(gain))
        picked.append(best)
        available[best] = False
        redundancy = np.maximum(redundancy, similarity[best])
    return picked


def top_indices(values: NDArray[np.floating], count: int) -> NDArray[np.intp]:
    """The indices of the ``count`` largest ``values``, largest first, ties to the lower index.

    The same as ``np.argsort(-values, kind="stable")[:count]`` without sorting every value: a
    partition finds the ``count``-th largest, and only the values at or above it are sorted.
    """
    total = len(values)
    if count >= total:
        return np.argsort(-values, kind="stable")
    if count <= 0:
        return np.zeros(0, dtype=np.intp)
    threshold = np.partition(values, total - count)[total - count]
    contenders = np.flatnonzero(values >= threshold)
    return contenders[np.argsort(-values[contenders], kind="stable")][:count]

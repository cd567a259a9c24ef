"""How much each sentence of a text deserves to be in its summary.

    salience(i) = lead(i) + centrality_weight * centrality(i)

- ``lead(i) = exp(-i / lead_decay)``: news puts its key facts first.
- ``centrality(i)`` is directed degree centrality over a sentence graph (PacSum, Zheng and
  Lapata 2019): the edge weight between two sentences is their cosine minus a threshold placed
  at ``edge_threshold`` of the way from the smallest to the largest cosine in the text (floored
  at 0), and a sentence's degree counts edges to later sentences with weight 1 and to earlier
  ones with ``backward_weight``. Degrees are rescaled to [0, 1] within the text.

All of it is vectorised numpy over an ``n x n`` cosine matrix; callers cap ``n``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray


@dataclass(frozen=True)
class SalienceWeights:
    """The parameters of ``salience``; the defaults are tuned on CNN/DailyMail dev articles."""

    lead_decay: float = 4.0
    centrality_weight: float = 0.5
    edge_threshold: float = 0.7
    backward_weight: float = 0.5


def centrality(similarity: NDArray[np.float32], weights: SalienceWeights) -> NDArray[np.float64]:
    """Directed degree centrality in [0, 1] from a square cosine matrix (see the module doc).

    Texts of fewer than two sentences, or whose sentences are all alike, get zeros.
    """
    count = similarity.shape[0]
    if count < 2:
        return np.zeros(count, dtype=np.float64)
    cosines = similarity.astype(np.float64)
    off_diagonal = cosines[~np.eye(count, dtype=bool)]
    low, high = float(off_diagonal.min()), float(off_diagonal.max())
    edges = np.maximum(cosines - (low + weights.edge_threshold * (high - low)), 0.0)
    np.fill_diagonal(edges, 0.0)
    degree = np.triu(edges, 1).sum(axis=1) + weights.backward_weight * np.tril(edges, -1).sum(
        axis=1
    )
    spread = float(degree.max() - degree.min())
    if spread <= 1e-12:
        return np.zeros(count, dtype=np.float64)
    result: NDArray[np.float64] = (degree - degree.min()) / spread
    return result


def salience(similarity: NDArray[np.float32], weights: SalienceWeights) -> NDArray[np.float64]:
    """Lead prior plus weighted centrality for each sentence of a square cosine matrix."""
    count = similarity.shape[0]
    lead = np.exp(-np.arange(count, dtype=np.float64) / weights.lead_decay)
    result: NDArray[np.float64] = lead + weights.centrality_weight * centrality(similarity, weights)
    return result

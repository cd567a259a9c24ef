"""How much each sentence of a text deserves to be in its summary.

    salience(i) = lead(i) * length(i)
                  + lead_similarity_weight * standardised cos(i, first sentence)
                  + centrality_weight * centrality(i)

- ``lead(i) = exp(-i / lead_decay)``: news puts its key facts first.
- ``length(i) = min(1, words(i) / full_length_words)``: a short sentence ("He was 86.",
  "Change is coming to Ferguson.") carries less than its position promises, so it keeps only
  its share of the lead prior.
- The cosine to the first sentence, standardised (mean 0, deviation 1) within the text or
  within a *lead window* of its first sentences (``lead_cosines``; 0 beyond the window): a
  summary tells the story its lead opens, so sentences about the lead's subject rank above
  asides and background. The lead prior leaves only the first few sentences in contention
  (on 300 CNN/DailyMail dev articles no chosen sentence lay beyond the ninth), so a window of
  four costs no measurable ROUGE and lets a caller embed just those few with its most
  accurate (and slowest) encoder.
- ``centrality(i)`` is directed degree centrality over a sentence graph (PacSum, Zheng and
  Lapata 2019): the edge weight between two sentences is their cosine minus a threshold placed
  at ``edge_threshold`` of the way from the smallest to the largest cosine in the text (floored
  at 0), and a sentence's degree counts edges to later sentences with weight 1 and to earlier
  ones with ``backward_weight``. Degrees are rescaled to [0, 1] within the text. Its default
  weight is 0: on CNN/DailyMail dev articles every positive weight tried lowered ROUGE-2.

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
    full_length_words: int = 12
    lead_similarity_weight: float = 0.05
    centrality_weight: float = 0.0
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


def lead_similarity(
    similarity: NDArray[np.float32], lead_cosines: NDArray[np.float32] | None = None
) -> NDArray[np.float64]:
    """Each sentence's cosine to the first one, standardised within the text or a lead window.

    Without ``lead_cosines`` the cosines are row 0 of the square ``similarity`` matrix. With
    them (the cosines of the first ``len(lead_cosines)`` sentences to the first sentence,
    itself included), those are standardised among themselves and every later sentence gets
    0. Zeros when fewer than two cosines are given or all are equal. Raises ``ValueError`` if
    ``lead_cosines`` is longer than the text.
    """
    count = similarity.shape[0]
    window = similarity[0] if lead_cosines is None else lead_cosines
    if window.shape[0] > count:
        raise ValueError(f"{window.shape[0]} lead cosines for {count} sentences")
    result: NDArray[np.float64] = np.zeros(count, dtype=np.float64)
    if window.shape[0] < 2:
        return result
    cosines = window.astype(np.float64)
    spread = float(cosines.std())
    if spread > 1e-12:
        result[: cosines.shape[0]] = (cosines - cosines.mean()) / spread
    return result


def salience(
    similarity: NDArray[np.float32],
    weights: SalienceWeights,
    words: NDArray[np.int64] | None = None,
    lead_cosines: NDArray[np.float32] | None = None,
) -> NDArray[np.float64]:
    """The salience of each sentence (see the module docstring) from its cosine matrix.

    ``words`` holds each sentence's word count; without it every sentence counts as full
    length. ``lead_cosines`` restricts the lead-similarity term to a lead window (see
    ``lead_similarity``); ``similarity`` is then read only by centrality, when its weight is
    not 0. Raises ``ValueError`` if ``words`` does not have one entry per sentence or
    ``lead_cosines`` is longer than the text.
    """
    count = similarity.shape[0]
    lead = np.exp(-np.arange(count, dtype=np.float64) / weights.lead_decay)
    if words is not None:
        if words.shape != (count,):
            raise ValueError(f"expected {count} word counts, got shape {words.shape}")
        lead *= np.minimum(1.0, words.astype(np.float64) / max(weights.full_length_words, 1))
    result: NDArray[np.float64] = lead + weights.lead_similarity_weight * lead_similarity(
        similarity, lead_cosines
    )
    if weights.centrality_weight:
        result = result + weights.centrality_weight * centrality(similarity, weights)
    return result

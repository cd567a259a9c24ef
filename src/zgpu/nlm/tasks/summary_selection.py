"""Choosing summary sentences: greedy by salience, under readability and length constraints.

At each step the most salient sentence that is still allowed is taken:

- it is *standalone* (not a fragment or question; see ``summary_readability``), unless no
  sentence of the text is, in which case every sentence is allowed;
- if it is *dependent* (opens with "He", "But", ...), the sentence before it is already chosen;
- its cosine to every chosen sentence is at most ``redundancy`` (no near-duplicates).

Selection stops after ``count`` sentences or once the chosen sentences reach ``word_budget``
words (the sentence that crosses the budget is kept). The result is in selection order, best
first, so a caller that must shorten it drops from the end, and a dependent sentence is always
after its antecedent. Ties go to the earlier sentence. Each step is vectorised: O(count * n).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


def select_sentences(
    salience: NDArray[np.float64],
    similarity: NDArray[np.float32],
    words: NDArray[np.int64],
    standalone: NDArray[np.bool_],
    dependent: NDArray[np.bool_],
    *,
    count: int,
    word_budget: int,
    redundancy: float,
) -> list[int]:
    """Indices of the chosen sentences, best first (see the module docstring).

    All arrays are indexed by sentence; ``similarity`` is the square cosine matrix. Returns an
    empty list only when there are no sentences or ``count`` < 1.
    """
    total = len(salience)
    if total == 0 or count < 1:
        return []
    allowed = standalone.copy() if standalone.any() else np.ones(total, dtype=np.bool_)
    chosen_mask = np.zeros(total, dtype=np.bool_)
    closest = np.full(total, -np.inf)
    chosen: list[int] = []
    length = 0
    while len(chosen) < count and length < word_budget:
        previous_chosen = np.concatenate(([False], chosen_mask[:-1]))
        open_ = allowed & ~chosen_mask & (~dependent | previous_chosen) & (closest <= redundancy)
        if not open_.any():
            break
        best = int(np.argmax(np.where(open_, salience, -np.inf)))
        chosen.append(best)
        chosen_mask[best] = True
        closest = np.maximum(closest, similarity[best].astype(np.float64))
        length += int(words[best])
    if not chosen:
        chosen.append(int(np.argmax(salience)))
    return chosen

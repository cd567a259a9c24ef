"""The cascade's gate: whether the static stage's IAB answer stands or the full encoder runs.

The gate estimates the probability that the static stage's top Content 3.1 category is the
text's exact category from three facts of that category:

    p = 1 / (1 + exp(-(score_weight * score + margin_weight * margin
                       + cosine_weight * cosine + bias)))

``score`` is its hierarchical score, ``margin`` its lead over the runner-up and ``cosine`` its
raw cosine before the hierarchy mixes in its parent and children. The fitted weights reward
the cosine and penalise the score given the cosine: a score carried by the parent's and
children's cosines is weaker evidence than one the category earns itself. Unlike a reported
score, the gate need not rise with the score. ``fit_gate`` fits the weights by logistic
regression (``bench/speed.py --fit-static``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from zgpu.nlm.logistic import fit_logistic


@dataclass(frozen=True)
class CascadeGate:
    """The logistic map from (score, margin, cosine) to the probability the answer is right."""

    score_weight: float
    margin_weight: float
    cosine_weight: float
    bias: float

    def __post_init__(self) -> None:
        values = (self.score_weight, self.margin_weight, self.cosine_weight, self.bias)
        if not all(math.isfinite(v) for v in values):
            raise ValueError("gate parameters must be finite")

    def probability(self, score: float, margin: float, cosine: float) -> float:
        """The estimated probability, in [0, 1], that the static top category is right."""
        logit = (
            self.score_weight * score
            + self.margin_weight * margin
            + self.cosine_weight * cosine
            + self.bias
        )
        return 1.0 / (1.0 + math.exp(-min(50.0, max(-50.0, logit))))


def fit_gate(
    features: Sequence[Sequence[float]] | NDArray[np.float64],
    correct: Sequence[bool] | NDArray[np.bool_],
    *,
    ridge: float = 1e-3,
    steps: int = 50,
) -> CascadeGate:
    """Logistic regression (Newton's method, a little ridge) of ``correct`` on the features.

    ``features`` rows are ``(score, margin, cosine)``. Raises ``ValueError`` when the data are
    empty, not three columns, or all of one class.
    """
    x = np.asarray(features, dtype=np.float64)
    y = np.asarray(correct, dtype=np.float64)
    if x.ndim != 2 or x.shape[1] != 3 or len(x) != len(y):
        raise ValueError("need one (score, margin, cosine) row per outcome")
    if len(x) == 0 or y.min() == y.max():
        raise ValueError("the gate needs both correct and incorrect examples")
    design = np.hstack([x, np.ones((len(x), 1))])
    weights = fit_logistic(design, y, ridge=ridge, steps=steps)
    return CascadeGate(*(float(w) for w in weights))

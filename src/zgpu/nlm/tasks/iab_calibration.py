"""Calibrated category scores: a score of 0.8 means the category is right about 8 times in 10.

A candidate's probability of being the text's exact category is a logistic function of two
features of its hierarchical score ``s`` within its list:

    p = 1 / (1 + exp(-(score_weight * s + margin_weight * (s - best other s) + bias)))

The margin is positive only for the list's leader (its lead over the runner-up) and negative
for the others (their gap to the leader). With both weights non-negative, ``p`` rises with
``s``, so probabilities keep the order of scores. The weights are fitted by logistic regression
on the development set (``fit_calibration``; ``bench/quality_iab.py`` prints the fit and a
reliability table).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from zgpu.nlm.logistic import fit_logistic, sigmoid

FloatArray = NDArray[np.float32]


@dataclass(frozen=True)
class Calibration:
    """The logistic map from (score, margin) to a probability; weights must be non-negative."""

    score_weight: float
    margin_weight: float
    bias: float

    def __post_init__(self) -> None:
        if self.score_weight < 0 or self.margin_weight < 0:
            raise ValueError("calibration weights must be non-negative (scores stay monotone)")
        if not all(math.isfinite(v) for v in (self.score_weight, self.margin_weight, self.bias)):
            raise ValueError("calibration parameters must be finite")

    def probabilities(self, scores: FloatArray) -> NDArray[np.float64]:
        """The probability of each candidate of one list, from its hierarchical ``scores``."""
        features = calibration_features(scores)
        logits = features @ np.array([self.score_weight, self.margin_weight]) + self.bias
        return sigmoid(logits)


CONTENT_CALIBRATION = Calibration(score_weight=2.32, margin_weight=29.31, bias=-1.685)
"""Fitted on the Content 3.1 development set (``bench/quality_iab.py --fit`` reproduces it)."""


def calibration_features(scores: FloatArray) -> NDArray[np.float64]:
    """``(len(scores), 2)``: each score and its margin over the best other score of the list."""
    values = np.asarray(scores, dtype=np.float64)
    if values.size == 0:
        return np.zeros((0, 2))
    if values.size == 1:
        return np.stack([values, np.zeros(1)], axis=1)
    top = int(np.argmax(values))
    best, second = (
        values[top],
        max(values[:top].max(initial=-np.inf), values[top + 1 :].max(initial=-np.inf)),
    )
    others = np.full(values.size, best)
    others[top] = second
    return np.stack([values, values - others], axis=1)


def fit_calibration(
    features: Sequence[Sequence[float]] | NDArray[np.float64],
    correct: Sequence[bool] | NDArray[np.bool_],
    *,
    ridge: float = 1e-3,
    steps: int = 50,
) -> Calibration:
    """Logistic regression (Newton's method, a little ridge) of ``correct`` on ``features``.

    ``features`` rows are ``calibration_features`` rows. Negative weights, which would break
    monotonicity, are clipped to 0 and the bias refitted. Raises ``ValueError`` when the data
    are empty or all of one class.
    """
    x = np.asarray(features, dtype=np.float64)
    y = np.asarray(correct, dtype=np.float64)
    if len(x) == 0 or y.min() == y.max():
        raise ValueError("calibration needs both correct and incorrect examples")
    design = np.hstack([x, np.ones((len(x), 1))])
    weights = fit_logistic(design, y, ridge=ridge, steps=steps)
    if weights[0] < 0 or weights[1] < 0:
        weights[:2] = np.maximum(weights[:2], 0.0)
        logit_offset = design[:, :2] @ weights[:2]
        bias = 0.0
        for _ in range(steps):
            p = sigmoid(logit_offset + bias)
            bias -= float(np.sum(p - y)) / max(float(np.sum(p * (1 - p))), 1e-9)
        weights[2] = bias
    return Calibration(float(weights[0]), float(weights[1]), float(weights[2]))

"""Logistic regression for the few small calibrations the models fit (IAB score calibration,
the cascade gate): a handful of features, hundreds of examples, so Newton's method in numpy."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


def sigmoid(logits: NDArray[np.float64]) -> NDArray[np.float64]:
    """The logistic function, with logits clipped so it never overflows."""
    result: NDArray[np.float64] = 1.0 / (1.0 + np.exp(-np.clip(logits, -50.0, 50.0)))
    return result


def fit_logistic(
    design: NDArray[np.float64], outcome: NDArray[np.float64], *, ridge: float, steps: int
) -> NDArray[np.float64]:
    """Weights of ``P(outcome) = sigmoid(design @ weights)`` by Newton's method.

    The last column of ``design`` is the bias (a column of ones); every other weight carries
    a ridge penalty of ``ridge``. The caller checks that both outcomes occur.
    """
    weights = np.zeros(design.shape[1])
    penalty = ridge * np.eye(len(weights))
    for _ in range(steps):
        p = sigmoid(design @ weights)
        gradient = design.T @ (p - outcome) + ridge * np.r_[weights[:-1], 0.0]
        hessian = (design * (p * (1 - p))[:, None]).T @ design + penalty
        weights -= np.linalg.solve(hessian, gradient)
    return weights

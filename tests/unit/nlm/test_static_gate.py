"""The cascade gate: its logistic map and its fit."""

from __future__ import annotations

import numpy as np
import pytest

from zgpu.nlm.static import CascadeGate, fit_gate


def test_the_probability_is_the_logistic_of_the_weighted_facts() -> None:
    gate = CascadeGate(score_weight=-2.0, margin_weight=10.0, cosine_weight=4.0, bias=-1.0)
    logit = -2.0 * 0.5 + 10.0 * 0.1 + 4.0 * 0.4 - 1.0
    assert gate.probability(0.5, 0.1, 0.4) == pytest.approx(1 / (1 + np.exp(-logit)))
    assert gate.probability(0.5, 0.2, 0.4) > gate.probability(0.5, 0.1, 0.4)
    assert gate.probability(0.9, 0.1, 0.4) < gate.probability(0.5, 0.1, 0.4)
    assert 0.0 <= gate.probability(1e9, -1e9, 1e9) <= 1.0  # no overflow
    with pytest.raises(ValueError, match="finite"):
        CascadeGate(1.0, 1.0, float("nan"), 0.0)


def test_the_fit_learns_which_fact_predicts_the_outcome() -> None:
    rng = np.random.default_rng(11)
    features = rng.uniform(0.0, 1.0, (2000, 3))
    truth = CascadeGate(score_weight=0.0, margin_weight=0.0, cosine_weight=12.0, bias=-6.0)
    correct = [rng.random() < truth.probability(*row) for row in features]
    gate = fit_gate(features, correct)
    assert gate.cosine_weight == pytest.approx(12.0, abs=2.5)
    assert abs(gate.score_weight) < 2.0
    assert abs(gate.margin_weight) < 2.0
    predicted = np.array([gate.probability(*row) for row in features])
    assert abs(predicted.mean() - np.mean(correct)) < 0.02  # calibrated on average


def test_the_fit_refuses_data_it_cannot_learn_from() -> None:
    with pytest.raises(ValueError, match="both"):
        fit_gate([[0.1, 0.2, 0.3], [0.2, 0.1, 0.3]], [True, True])
    with pytest.raises(ValueError, match="row per outcome"):
        fit_gate([[0.1, 0.2]], [True])

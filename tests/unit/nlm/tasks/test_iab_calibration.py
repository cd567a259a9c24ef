"""Calibrated probabilities keep the order of scores and can be refitted."""

from __future__ import annotations

import numpy as np
import pytest

from zgpu.nlm.tasks.iab_calibration import (
    CONTENT_CALIBRATION,
    Calibration,
    calibration_features,
    fit_calibration,
)


def test_features_are_score_and_margin_over_the_best_other() -> None:
    features = calibration_features(np.array([0.3, 0.5, 0.2], dtype=np.float32))
    assert features[:, 0] == pytest.approx([0.3, 0.5, 0.2])
    assert features[:, 1] == pytest.approx([-0.2, 0.2, -0.3])
    assert calibration_features(np.array([0.4], dtype=np.float32))[0, 1] == 0.0
    assert calibration_features(np.zeros(0, dtype=np.float32)).shape == (0, 2)


def test_probabilities_are_monotone_in_the_score() -> None:
    rng = np.random.default_rng(1)
    for _ in range(20):
        scores = rng.uniform(-0.1, 0.8, size=50).astype(np.float32)
        probabilities = CONTENT_CALIBRATION.probabilities(scores)
        order = np.argsort(scores)
        assert np.all(np.diff(probabilities[order]) >= 0)
        assert np.all((probabilities >= 0) & (probabilities <= 1))


def test_a_clear_leader_is_likelier_than_a_close_one() -> None:
    clear = CONTENT_CALIBRATION.probabilities(np.array([0.6, 0.3], dtype=np.float32))[0]
    close = CONTENT_CALIBRATION.probabilities(np.array([0.6, 0.58], dtype=np.float32))[0]
    assert clear > 0.8 > close


def test_fit_recovers_a_monotone_map() -> None:
    rng = np.random.default_rng(2)
    truth = Calibration(score_weight=4.0, margin_weight=20.0, bias=-2.0)
    features = np.column_stack([rng.uniform(0, 0.8, 4000), rng.uniform(-0.3, 0.2, 4000)])
    p = 1 / (1 + np.exp(-(features @ [4.0, 20.0] + truth.bias)))
    fitted = fit_calibration(features, rng.uniform(size=4000) < p)
    assert fitted.margin_weight == pytest.approx(20.0, rel=0.25)
    assert fitted.score_weight >= 0


def test_negative_weights_are_refused() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        Calibration(score_weight=-1.0, margin_weight=1.0, bias=0.0)
    with pytest.raises(ValueError, match="both correct and incorrect"):
        fit_calibration([[0.1, 0.0]], [True])

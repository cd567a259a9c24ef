"""``top_indices`` against a full stable sort, and the tie rules of the calibration margin."""

from __future__ import annotations

import numpy as np

from zgpu.nlm.tasks.iab_calibration import calibration_features
from zgpu.nlm.tasks.scoring import top_indices


def test_top_indices_equal_a_stable_full_sort() -> None:
    rng = np.random.default_rng(7)
    for trial in range(2000):
        size = int(rng.integers(1, 80))
        if trial % 2:  # many ties
            values = rng.integers(0, 4, size).astype(np.float32)
        else:
            values = rng.random(size).astype(np.float32)
        count = int(rng.integers(0, size + 3))
        expected = np.argsort(-values, kind="stable")[:count]
        assert np.array_equal(top_indices(values, count), expected), (values, count)


def test_margins_with_a_tied_best() -> None:
    features = calibration_features(np.array([0.5, 0.2, 0.5], dtype=np.float32))
    margins = features[:, 1]
    assert margins[0] == 0.0  # each best leads the other by nothing
    assert margins[2] == 0.0
    assert np.isclose(margins[1], 0.2 - 0.5)

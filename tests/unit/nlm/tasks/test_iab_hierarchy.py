"""Hierarchical scores: children lift a general parent, parents steer their children."""

from __future__ import annotations

import numpy as np
import pytest

from zgpu.nlm.tasks.iab_hierarchy import FLAT, CategoryTree, HierarchyConfig

# 0 Sports ─┬─ 1 Soccer ── 3 Premier League
#           └─ 2 Golf
# 4 Technology ── 5 Smartphones
IDS = ["0", "1", "2", "3", "4", "5"]
PARENTS: list[str | None] = [None, "0", "0", "1", None, "4"]


def test_flat_keeps_raw_scores() -> None:
    raw = np.array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6], dtype=np.float32)
    assert np.array_equal(CategoryTree(IDS, PARENTS).combine(raw, FLAT), raw)


def test_breadth_lifts_parents_by_their_best_children() -> None:
    raw = np.array([0.2, 0.5, 0.3, 0.1, 0.0, 0.4], dtype=np.float32)
    out = CategoryTree(IDS, PARENTS).combine(raw, HierarchyConfig(alpha=1.0, breadth=0.5))
    assert out[0] == pytest.approx(0.2 + 0.5 * (0.5 + 0.3) / 2)  # two children, both used
    assert out[1] == pytest.approx(0.5 + 0.5 * 0.1)
    assert out[4] == pytest.approx(0.0 + 0.5 * 0.4)
    assert out[2] == pytest.approx(0.3)  # a leaf keeps its score


def test_descent_mixes_in_the_combined_parent_score() -> None:
    raw = np.array([0.8, 0.4, 0.0, 0.2, 0.1, 0.3], dtype=np.float32)
    out = CategoryTree(IDS, PARENTS).combine(raw, HierarchyConfig(alpha=0.5, breadth=0.0))
    assert out[1] == pytest.approx(0.5 * 0.4 + 0.5 * 0.8)
    assert out[3] == pytest.approx(0.5 * 0.2 + 0.5 * out[1])
    # a strong branch now outranks a slightly better child of a weak branch
    assert raw[5] > raw[3]
    assert out[3] > out[5]


def test_batches_match_single_rows() -> None:
    rng = np.random.default_rng(0)
    raw = rng.normal(size=(4, len(IDS))).astype(np.float32)
    tree, config = CategoryTree(IDS, PARENTS), HierarchyConfig()
    batch = tree.combine(raw, config)
    for row in range(4):
        assert np.array_equal(batch[row], tree.combine(raw[row], config))


def test_bad_trees_and_configs_are_refused() -> None:
    with pytest.raises(ValueError, match="cycle"):
        CategoryTree(["a", "b"], ["b", "a"])
    with pytest.raises(ValueError, match="length"):
        CategoryTree(["a"], [])
    with pytest.raises(ValueError, match="alpha"):
        HierarchyConfig(alpha=1.5)

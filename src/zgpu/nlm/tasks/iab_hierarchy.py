"""Hierarchical scoring: a category's score informed by its parent's and its children's.

Flat cosines treat "Sports" and "Sports > Soccer > Premier League" as unrelated labels. Two
corrections, applied to a row of raw cosines (one per category of a taxonomy):

1. **Breadth** (children → parent). A general page ("the weekend's sport") resembles several of
   a node's children a little and the node itself only moderately, so a node with children
   gains ``breadth`` times the mean of its ``breadth_children`` best children's raw cosines.
2. **Descent** (parent → child), top-down: ``combined(child) = alpha * own + (1 - alpha) *
   combined(parent)``. A child of a branch the page is not about loses ground to the right
   branch's children, which cuts cross-branch mistakes ("Premier League" vs "American
   Football").

Roots (and nodes whose parent is not a candidate) keep their breadth-adjusted score. Both steps
are a few vectorised numpy operations per tree level, for one text or a batch of texts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float32]
IntArray = NDArray[np.intp]


@dataclass(frozen=True)
class HierarchyConfig:
    """The hierarchy's parameters (fitted on the development set; see ``bench/quality_iab.py``).

    ``alpha`` = 1 and ``breadth`` = 0 turn hierarchical scoring off.
    """

    alpha: float = 0.85
    breadth: float = 0.10
    breadth_children: int = 3

    def __post_init__(self) -> None:
        if not 0.0 <= self.alpha <= 1.0 or self.breadth < 0 or self.breadth_children < 1:
            raise ValueError("need 0 <= alpha <= 1, breadth >= 0 and breadth_children >= 1")


FLAT = HierarchyConfig(alpha=1.0, breadth=0.0)
"""No hierarchy: combined scores are the raw cosines."""


class CategoryTree:
    """The parent/child structure of one candidate list, as index arrays."""

    def __init__(self, ids: Sequence[str], parent_ids: Sequence[str | None]) -> None:
        """``ids[i]``'s parent is ``parent_ids[i]`` (``None``, or an id not in ``ids``, at a root).

        Raises ``ValueError`` if the lists differ in length or the parents form a cycle.
        """
        if len(ids) != len(parent_ids):
            raise ValueError("ids and parent_ids differ in length")
        position = {unique_id: i for i, unique_id in enumerate(ids)}
        parent = np.array(
            [position.get(p, -1) if p is not None else -1 for p in parent_ids], dtype=np.intp
        )
        depth = np.zeros(len(ids), dtype=np.intp)
        for i in range(len(ids)):
            node, steps = i, 0
            while parent[node] >= 0:
                node, steps = int(parent[node]), steps + 1
                if steps > len(ids):
                    raise ValueError("the parent ids form a cycle")
            depth[i] = steps
        self.parent: IntArray = parent
        self.levels: tuple[IntArray, ...] = tuple(
            np.flatnonzero(depth == d) for d in range(1, int(depth.max(initial=0)) + 1)
        )
        children = [np.flatnonzero(parent == i) for i in range(len(ids))]
        self.internal: IntArray = np.array(
            [i for i, c in enumerate(children) if len(c)], dtype=np.intp
        )
        width = max((len(c) for c in children), default=0)
        self._children = np.zeros((len(self.internal), max(width, 1)), dtype=np.intp)
        self._present = np.zeros(self._children.shape, dtype=bool)
        for row, node in enumerate(self.internal):
            self._children[row, : len(children[node])] = children[node]
            self._present[row, : len(children[node])] = True
        self._counts = self._present.sum(axis=1)

    def __len__(self) -> int:
        return len(self.parent)

    def combine(self, raw: FloatArray, config: HierarchyConfig) -> FloatArray:
        """Hierarchical scores of ``raw`` cosines, shape ``(len(tree),)`` or ``(n, len(tree))``.

        Returns float32 of the same shape; ``raw`` is not modified.
        """
        scores = np.array(raw, dtype=np.float32, ndmin=2)
        if config.breadth > 0 and len(self.internal):
            values = np.where(self._present, scores[:, self._children], -np.inf)
            best = -np.sort(-values, axis=-1)[..., : config.breadth_children]
            kept = np.minimum(self._counts, config.breadth_children)
            ranks = np.arange(best.shape[-1])[None, None, :]
            mean = np.where(ranks < kept[None, :, None], best, 0.0).sum(axis=-1) / kept
            scores[:, self.internal] += np.float32(config.breadth) * mean.astype(np.float32)
        if config.alpha < 1.0:
            for level in self.levels:
                scores[:, level] = (
                    config.alpha * scores[:, level]
                    + (1.0 - config.alpha) * (scores[:, self.parent[level]])
                )
        out: FloatArray = scores.astype(np.float32)
        return out if np.ndim(raw) == 2 else out[0]

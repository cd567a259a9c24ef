"""A latitude/longitude grid that finds the items near a point without looking at the rest.

The globe is cut into ``cell_deg`` × ``cell_deg`` cells. Each latitude row keeps the sorted
longitude indexes of its occupied cells, so a query touches only the rows its radius spans and,
in each, only occupied cells (found by bisection), however empty the oceans around it are.
Every cell whose area may hold a point within the radius is returned (the bound is
conservative): an item that is not returned is farther than the radius.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterator
from typing import Generic, TypeVar

from zgpu.edge.geo import EARTH_RADIUS_KM

T = TypeVar("T")

KM_PER_DEGREE = math.pi * EARTH_RADIUS_KM / 180.0
"""Length of one degree of latitude (and of longitude at the equator), in kilometres."""

HALF_CIRCUMFERENCE_KM = math.pi * EARTH_RADIUS_KM
"""No two points on Earth are farther apart than this."""


class GridIndex(Generic[T]):
    """Items keyed by a string, placed at a position with a sort key; query by distance.

    Each cell keeps its entries ``(sort_key, key, item)`` in ascending order, so a caller can
    stop scanning a cell once the sort key alone rules the rest out. Not thread-safe; owned by
    one event loop.
    """

    def __init__(self, cell_deg: float = 2.0) -> None:
        """Raises ``ValueError`` unless ``cell_deg`` divides 180 into whole cells."""
        rows = 180.0 / cell_deg
        if cell_deg <= 0 or abs(rows - round(rows)) > 1e-9:
            raise ValueError("cell_deg must divide 180 evenly")
        self._deg = cell_deg
        self._rows = round(rows)
        self._cols = 2 * self._rows
        self._cells: dict[tuple[int, int], list[tuple[float, str, T]]] = {}
        self._row_cols: dict[int, list[int]] = {}
        self._where: dict[str, tuple[tuple[int, int], float]] = {}

    def __len__(self) -> int:
        return len(self._where)

    def __contains__(self, key: str) -> bool:
        return key in self._where

    def _cell_of(self, lat: float, lon: float) -> tuple[int, int]:
        row = min(self._rows - 1, max(0, int((lat + 90.0) // self._deg)))
        col = min(self._cols - 1, max(0, int((lon + 180.0) // self._deg)))
        return row, col

    def put(self, key: str, lat: float, lon: float, item: T, sort_key: float = 0.0) -> None:
        """Place (or move) ``key`` at ``lat, lon`` holding ``item``, ordered by ``sort_key``
        within its cell. Re-putting at the same cell and sort key replaces the item only."""
        cell = self._cell_of(lat, lon)
        old = self._where.get(key)
        if old == (cell, sort_key):
            entries = self._cells[cell]
            at = bisect.bisect_left(entries, (sort_key, key))
            entries[at] = (sort_key, key, item)
            return
        if old is not None:
            self.remove(key)
        bisect.insort(self._cells.setdefault(cell, []), (sort_key, key, item))
        self._where[key] = (cell, sort_key)
        cols = self._row_cols.setdefault(cell[0], [])
        at = bisect.bisect_left(cols, cell[1])
        if at == len(cols) or cols[at] != cell[1]:
            cols.insert(at, cell[1])

    def remove(self, key: str) -> None:
        """Forget ``key``; unknown keys are ignored."""
        where = self._where.pop(key, None)
        if where is None:
            return
        cell, sort_key = where
        entries = self._cells[cell]
        entries.pop(bisect.bisect_left(entries, (sort_key, key)))
        if entries:
            return
        del self._cells[cell]
        cols = self._row_cols[cell[0]]
        cols.pop(bisect.bisect_left(cols, cell[1]))
        if not cols:
            del self._row_cols[cell[0]]

    def cells_within(
        self, lat: float, lon: float, radius_km: float
    ) -> Iterator[tuple[tuple[int, int], float, list[tuple[float, str, T]]]]:
        """Occupied cells that may hold a point within ``radius_km`` of ``lat, lon``.

        Yields ``(cell, lower_bound_km, entries)``: ``lower_bound_km`` is at most the distance
        from the point to anything in the cell; ``entries`` are ``(sort_key, key, item)`` in
        ascending order (the live list: do not modify it while iterating the index).
        """
        if radius_km >= HALF_CIRCUMFERENCE_KM:
            for cell, items in self._cells.items():
                yield cell, self._cell_bound(cell, lat, lon), items
            return
        deg = self._deg
        radius_deg = radius_km / KM_PER_DEGREE
        row_lo = max(0, int((lat - radius_deg + 90.0) // deg))
        row_hi = min(self._rows - 1, int((lat + radius_deg + 90.0) // deg))
        for row in range(row_lo, row_hi + 1):
            cols = self._row_cols.get(row)
            if not cols:
                continue
            south = row * deg - 90.0
            north = south + deg
            widest = min(89.999, max(abs(south), abs(north), abs(lat)))
            span_deg = radius_deg / math.cos(math.radians(widest)) + deg
            if span_deg >= 180.0:
                ranges = [(0, self._cols - 1)]
            else:
                col_lo = int((lon - span_deg + 180.0) // deg)
                col_hi = int((lon + span_deg + 180.0) // deg)
                ranges = self._wrapped(col_lo, col_hi)
            for lo, hi in ranges:
                start = bisect.bisect_left(cols, lo)
                stop = bisect.bisect_right(cols, hi)
                for col in cols[start:stop]:
                    cell = (row, col)
                    yield cell, self._cell_bound(cell, lat, lon), self._cells[cell]

    def _wrapped(self, lo: int, hi: int) -> list[tuple[int, int]]:
        if lo < 0:
            return [(0, hi), (lo + self._cols, self._cols - 1)]
        if hi >= self._cols:
            return [(lo, self._cols - 1), (0, hi - self._cols)]
        return [(lo, hi)]

    def _cell_bound(self, cell: tuple[int, int], lat: float, lon: float) -> float:
        """A lower bound of the distance from ``lat, lon`` to any point of ``cell``.

        Equirectangular distance to the cell's nearest corner or edge, with longitude degrees
        measured at the latitude nearest a pole (where they are shortest), shrunk by 10% to
        stay below the great-circle distance. Cheap: one cosine.
        """
        deg = self._deg
        south = cell[0] * deg - 90.0
        west = cell[1] * deg - 180.0
        near_lat = min(max(lat, south), south + deg)
        offset = (lon - west) % 360.0  # where lon sits east of the cell's west edge
        dlon = 0.0 if offset <= deg else min(offset - deg, 360.0 - offset)
        dlat = lat - near_lat
        polar = min(90.0, max(abs(lat), abs(near_lat)))
        dx = dlon * math.cos(math.radians(polar))
        return 0.9 * KM_PER_DEGREE * math.sqrt(dlat * dlat + dx * dx)

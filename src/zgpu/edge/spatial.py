"""A latitude/longitude grid that finds the items near a point without looking at the rest.

The globe is cut into ``cell_deg`` × ``cell_deg`` cells. Each latitude row keeps the sorted
longitude indexes of its occupied cells, so a query touches only the rows its radius spans and,
in each, only the occupied cells it reaches (found by bisection), however empty the oceans
around it are. Each returned cell comes with a lower bound of the great-circle distance to
anything in it: the haversine formula with every term at its smallest over the cell (the
nearest latitude, the nearest longitude, and the cosine of the cell's most polar latitude).
It is exact for many cells and never above the true distance, near the poles and across the
antimeridian too. An item that is not returned is farther than the radius.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterator
from typing import Generic, TypeVar

from zgpu.edge.geo import EARTH_RADIUS_KM

T = TypeVar("T")

Cell = tuple[int, int]
"""A grid cell: (latitude row, longitude column)."""

Entry = tuple[float, str, T]
"""What a cell holds per item: ``(sort_key, key, item)``."""

Reached = tuple[float, int, int, list[Entry[T]]]
"""A cell found by :meth:`GridIndex.nearest_cells`: ``(lower_bound_km, row, col, entries)``."""

_Row = tuple[list[int], list[list[Entry[T]]], float, float, float]
"""An occupied row: ``(cols, entries, south, north, cos_polar)``."""

_RADIANS = math.pi / 180.0
"""What :func:`math.radians` multiplies by (the same float result, without the call)."""

_BOUND_SLACK = 1.0 - 1e-6
"""Cell bounds are scaled by this so float rounding never puts one above a distance that
:func:`~zgpu.edge.geo.haversine_km_raw` computes (1 ppm: well above its rounding error)."""

_REACH_SLACK = 1e-4
"""The row and longitude pre-filters reach this much (relative, and in degrees) farther than
the radius, so they never leave out a cell whose (scaled-down) bound is within it."""

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
        self._cells: dict[Cell, list[Entry[T]]] = {}
        # Per occupied row: its occupied columns, ascending, their entries, aligned, and the
        # row's south and north edges and the cosine of its most polar latitude.
        self._row_data: dict[int, _Row[T]] = {}
        self._where: dict[str, tuple[Cell, float]] = {}

    def __len__(self) -> int:
        return len(self._where)

    def __contains__(self, key: str) -> bool:
        return key in self._where

    def _cell_of(self, lat: float, lon: float) -> Cell:
        row = min(self._rows - 1, max(0, int((lat + 90.0) // self._deg)))
        col = min(self._cols - 1, max(0, int((lon + 180.0) // self._deg)))
        return row, col

    def put(self, key: str, lat: float, lon: float, item: T, sort_key: float = 0.0) -> None:
        """Place (or move) ``key`` at ``lat, lon`` holding ``item``, ordered by ``sort_key``
        within its cell. Re-putting at the same cell and sort key replaces the item only."""
        cell = self._cell_of(lat, lon)
        old = self._where.get(key)
        if old == (cell, sort_key):
            same = self._cells[cell]
            same[bisect.bisect_left(same, (sort_key, key))] = (sort_key, key, item)
            return
        if old is not None:
            self.remove(key)
        entries: list[Entry[T]] | None = self._cells.get(cell)
        if entries is None:
            entries = self._cells[cell] = []
            row, col = cell
            data = self._row_data.get(row)
            if data is None:
                data = self._row_data[row] = self._new_row(row)
            cols, row_entries = data[0], data[1]
            at = bisect.bisect_left(cols, col)
            cols.insert(at, col)
            row_entries.insert(at, entries)
        bisect.insort(entries, (sort_key, key, item))
        self._where[key] = (cell, sort_key)

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
        row, col = cell
        cols, row_entries, *_ = self._row_data[row]
        at = bisect.bisect_left(cols, col)
        cols.pop(at)
        row_entries.pop(at)
        if not cols:
            del self._row_data[row]

    def _new_row(self, row: int) -> _Row[T]:
        south = row * self._deg - 90.0
        north = south + self._deg
        cos_polar = math.cos(math.radians(min(90.0, max(abs(south), abs(north)))))
        return [], [], south, north, cos_polar

    def cells_within(
        self, lat: float, lon: float, radius_km: float
    ) -> Iterator[tuple[Cell, float, list[Entry[T]]]]:
        """Occupied cells that may hold a point within ``radius_km`` of ``lat, lon``.

        Yields ``(cell, lower_bound_km, entries)``, nearest bound first: ``lower_bound_km`` is
        at most the distance from the point to anything in the cell; ``entries`` are
        ``(sort_key, key, item)`` in ascending order (the live list: do not modify it while
        iterating the index).
        """
        for bound, row, col, entries in self.nearest_cells(lat, lon, radius_km):
            yield (row, col), bound, entries

    def nearest_cells(
        self, lat: float, lon: float, radius_km: float, beyond_km: float = -1.0
    ) -> list[Reached[T]]:
        """Occupied cells whose distance bound from ``lat, lon`` is at most ``radius_km`` and
        more than ``beyond_km``: ``(lower_bound_km, row, col, entries)``, nearest bound first.

        A cell's bound is at most the distance to anything in it, and the same on every call
        for the same point, so every cell holding a point within the radius is returned, and
        calls with widening radii, each passing the previous radius as ``beyond_km``, return
        each cell once. Built for the router's inner loop: per row one cosine and the reach in
        longitude, per cell one haversine-like bound, no generator, no per-cell call.
        """
        deg = self._deg
        row_data = self._row_data
        found: list[Reached[T]] = []
        two_r = 2.0 * EARTH_RADIUS_KM
        # Haversine of the radius (widened, so the pre-filters below never lose a cell whose
        # bound is within the radius): a cell may be within reach when its bound's haversine
        # is at most this.
        angle = radius_km * (1.0 + _REACH_SLACK) / two_r
        limit = math.sin(angle) ** 2 if angle < math.pi / 2 else 1.0
        reach_deg = min(180.0, math.degrees(2.0 * angle) + _REACH_SLACK)
        row_lo = max(0, int((lat - reach_deg + 90.0) // deg))
        row_hi = min(self._rows - 1, int((lat + reach_deg + 90.0) // deg))
        cos_lat = math.cos(math.radians(lat))
        east_of = lon + 180.0  # degrees east of the antimeridian
        n_cols = self._cols
        for row in range(row_lo, row_hi + 1):
            data = row_data.get(row)
            if data is None:
                continue
            cols, entries, south, north, cos_polar = data
            dlat = lat - min(max(lat, south), north)
            h_lat = math.sin(dlat * _RADIANS / 2.0) ** 2
            if h_lat > limit:
                continue
            # cos(origin lat) × the smallest cos(lat) in the row.
            h_lon = cos_lat * cos_polar
            left = limit - h_lat
            spans: tuple[tuple[int, int], ...]
            if h_lon <= left:
                spans = ((0, len(cols)),)  # every longitude is within reach
            else:
                reach_lon = math.degrees(2.0 * math.asin(math.sqrt(left / h_lon))) + _REACH_SLACK
                if reach_lon + deg >= 180.0:
                    spans = ((0, len(cols)),)
                else:
                    col_lo = int((east_of - reach_lon) // deg)
                    col_hi = int((east_of + reach_lon) // deg)
                    if col_lo < 0:
                        spans = (
                            (0, bisect.bisect_right(cols, col_hi)),
                            (bisect.bisect_left(cols, col_lo + n_cols), len(cols)),
                        )
                    elif col_hi >= n_cols:
                        spans = (
                            (bisect.bisect_left(cols, col_lo), len(cols)),
                            (0, bisect.bisect_right(cols, col_hi - n_cols)),
                        )
                    else:
                        spans = (
                            (bisect.bisect_left(cols, col_lo), bisect.bisect_right(cols, col_hi)),
                        )
            for lo, hi in spans:
                for at in range(lo, hi):
                    col = cols[at]
                    offset = (east_of - col * deg) % 360.0  # east of the cell's west edge
                    if offset <= deg:
                        h = h_lat
                    else:
                        dlon = offset - deg if offset - deg < 360.0 - offset else 360.0 - offset
                        h = h_lat + h_lon * math.sin(dlon * _RADIANS / 2.0) ** 2
                    bound = two_r * math.asin(math.sqrt(h) if h < 1.0 else 1.0) * _BOUND_SLACK
                    if beyond_km < bound <= radius_km:
                        found.append((bound, row, col, entries[at]))
        found.sort()
        return found

"""Time buckets: UTC minute, hour and day boundaries, and how a range splits across them.

Rollups exist at three granularities. A range whose edges are whole minutes can be covered
exactly by day rollups inside it, hour rollups at the ragged day edges and minute rollups at the
ragged hour edges (``decompose``): at most two partial hours of minute rows and two partial days
of hour rows, whatever the range's length.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from zgpu.platform.errors import InvalidArgument

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class Granularity(StrEnum):
    """The width of a rollup row or of a series bucket."""

    MINUTE = "minute"
    HOUR = "hour"
    DAY = "day"

    @property
    def width(self) -> timedelta:
        """The bucket's length."""
        return _WIDTHS[self]

    @property
    def finer(self) -> Granularity | None:
        """The next smaller granularity, ``None`` for minutes."""
        return _FINER[self]


_WIDTHS = {
    Granularity.MINUTE: timedelta(minutes=1),
    Granularity.HOUR: timedelta(hours=1),
    Granularity.DAY: timedelta(days=1),
}
_FINER = {
    Granularity.MINUTE: None,
    Granularity.HOUR: Granularity.MINUTE,
    Granularity.DAY: Granularity.HOUR,
}
GRANULARITIES: tuple[Granularity, ...] = (Granularity.MINUTE, Granularity.HOUR, Granularity.DAY)
"""Every granularity, finest first."""


def require_aware(value: datetime, param: str) -> datetime:
    """``value`` in UTC; raises ``InvalidArgument`` (naming ``param``) if it is naive."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidArgument(f"{param} must be timezone-aware", param=param)
    return value.astimezone(UTC)


def floor_time(value: datetime, granularity: Granularity) -> datetime:
    """The start of the UTC bucket holding ``value`` (which must be timezone-aware)."""
    step = granularity.width
    return _EPOCH + ((value.astimezone(UTC) - _EPOCH) // step) * step


def ceil_time(value: datetime, granularity: Granularity) -> datetime:
    """The first bucket boundary at or after ``value``."""
    floored = floor_time(value, granularity)
    return floored if floored == value else floored + granularity.width


@dataclass(frozen=True, slots=True)
class Segment:
    """Rows of one granularity whose bucket starts lie in ``[start, end)``."""

    granularity: Granularity
    start: datetime
    end: datetime


def decompose(start: datetime, end: datetime, coarsest: Granularity) -> list[Segment]:
    """Cover the minute-aligned ``[start, end)`` exactly with rollup segments.

    Uses buckets no coarser than ``coarsest``, preferring the coarsest that fit. Every bucket of
    every segment lies inside ``[start, end)`` and together they tile it.
    """
    if start >= end:
        return []
    finer = coarsest.finer
    if finer is None:
        return [Segment(coarsest, start, end)]
    inner_start, inner_end = ceil_time(start, coarsest), floor_time(end, coarsest)
    if inner_start >= inner_end:
        return decompose(start, end, finer)
    return [
        *decompose(start, inner_start, finer),
        Segment(coarsest, inner_start, inner_end),
        *decompose(inner_end, end, finer),
    ]


def align_range(start: datetime, end: datetime) -> tuple[datetime, datetime]:
    """The range rollups can answer exactly: ``start`` floored and ``end`` ceiled to the minute.

    Raises ``InvalidArgument`` for naive times (param ``start_time``/``end_time``) or when
    ``end`` is not after ``start``.
    """
    start = floor_time(require_aware(start, "start_time"), Granularity.MINUTE)
    end = ceil_time(require_aware(end, "end_time"), Granularity.MINUTE)
    if end <= start:
        raise InvalidArgument("end_time must be after start_time", param="end_time")
    return start, end


class UsageRange(StrEnum):
    """The preset ranges of the usage page, ending now."""

    DAY = "1d"
    WEEK = "7d"
    MONTH = "30d"

    @property
    def length(self) -> timedelta:
        """How far back the range reaches."""
        return timedelta(days=int(self.value.removesuffix("d")))

    def resolve(self, now: datetime) -> tuple[datetime, datetime]:
        """``(now - length, now)``; raises ``InvalidArgument`` if ``now`` is naive."""
        now = require_aware(now, "now")
        return now - self.length, now

"""Bucket arithmetic: ranges tile exactly, and long ranges touch few fine-grained rows."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zgpu.platform.errors import InvalidArgument
from zgpu.platform.usage import Granularity, UsageRange, align_range
from zgpu.platform.usage.buckets import ceil_time, decompose, floor_time

_times = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2027, 1, 1), timezones=st.just(UTC)
)


@given(_times, st.integers(min_value=1, max_value=90 * 24 * 60), st.sampled_from(Granularity))
def test_segments_tile_the_range_with_few_fine_rows(
    start: datetime, minutes: int, coarsest: Granularity
) -> None:
    lo, hi = align_range(start, start + timedelta(minutes=minutes))
    segments = decompose(lo, hi, coarsest)
    assert segments[0].start == lo
    assert segments[-1].end == hi
    for previous, current in itertools.pairwise(segments):
        assert previous.end == current.start
    for segment in segments:
        assert segment.start < segment.end
        # Every bucket of the segment is whole and inside it.
        assert floor_time(segment.start, segment.granularity) == segment.start
        assert floor_time(segment.end, segment.granularity) == segment.end
        assert segment.granularity.width <= coarsest.width
    span = {g: timedelta(0) for g in Granularity}
    for segment in segments:
        span[segment.granularity] += segment.end - segment.start
    if coarsest is not Granularity.MINUTE:
        assert span[Granularity.MINUTE] < timedelta(hours=2)
    if coarsest is Granularity.DAY:
        assert span[Granularity.HOUR] < timedelta(days=2)


def test_floor_and_ceil() -> None:
    t = datetime(2026, 3, 31, 17, 42, 27, tzinfo=UTC)
    assert floor_time(t, Granularity.HOUR) == datetime(2026, 3, 31, 17, tzinfo=UTC)
    assert ceil_time(t, Granularity.DAY) == datetime(2026, 4, 1, tzinfo=UTC)
    aligned = datetime(2026, 3, 31, tzinfo=UTC)
    assert ceil_time(aligned, Granularity.DAY) == aligned


def test_range_edges_widen_to_whole_minutes() -> None:
    start = datetime(2026, 3, 31, 17, 42, 27, tzinfo=UTC)
    assert align_range(start, start + timedelta(seconds=1)) == (
        datetime(2026, 3, 31, 17, 42, tzinfo=UTC),
        datetime(2026, 3, 31, 17, 43, tzinfo=UTC),
    )
    assert UsageRange.WEEK.resolve(start) == (start - timedelta(days=7), start)


@pytest.mark.parametrize(
    ("start", "end", "param"),
    [
        (datetime(2026, 1, 1), datetime(2026, 1, 2, tzinfo=UTC), "start_time"),
        (datetime(2026, 1, 2, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC), "end_time"),
    ],
)
def test_bad_ranges_name_the_field(start: datetime, end: datetime, param: str) -> None:
    with pytest.raises(InvalidArgument) as caught:
        align_range(start, end)
    assert caught.value.param == param

"""Usage totals and series equal sums over the raw log, exactly, for every range and grouping."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from tests.unit.platform.usage.traffic import NOW, Fleet, make_fleet, random_entries, record_all
from zgpu.platform.db import Database
from zgpu.platform.logs import RequestLog
from zgpu.platform.usage import (
    Granularity,
    GroupBy,
    UsageRange,
    UsageTotals,
    latency_us,
    usage_series,
    usage_summary,
)
from zgpu.platform.usage.buckets import ceil_time, floor_time

GROUPINGS: tuple[tuple[GroupBy, ...], ...] = (
    (),
    (GroupBy.PROJECT,),
    (GroupBy.API_KEY,),
    (GroupBy.MODEL,),
    (GroupBy.PROJECT, GroupBy.MODEL),
)
RANGES: dict[str, tuple[datetime, datetime]] = {
    "1d": UsageRange.DAY.resolve(NOW),
    "7d": UsageRange.WEEK.resolve(NOW),
    "30d": UsageRange.MONTH.resolve(NOW),
    "custom": (
        datetime(2026, 3, 3, 5, 17, 41, 999, tzinfo=UTC),
        datetime(2026, 3, 19, 22, 3, 2, tzinfo=UTC),
    ),
    "inside-an-hour": (
        datetime(2026, 3, 30, 10, 3, 30, tzinfo=UTC),
        datetime(2026, 3, 30, 10, 48, 1, tzinfo=UTC),
    ),
    "everything": (NOW - timedelta(days=45), NOW + timedelta(minutes=5)),
}


def _key_of(row: RequestLog, group_by: Sequence[GroupBy]) -> tuple[Any, ...]:
    return tuple(getattr(row, dimension.value) for dimension in group_by)


def _totals(rows: Sequence[RequestLog]) -> UsageTotals:
    return UsageTotals(
        requests=len(rows),
        errors=sum(1 for row in rows if row.status >= 400),
        input_tokens=sum(row.input_tokens for row in rows),
        output_tokens=sum(row.output_tokens for row in rows),
        latency_us_sum=sum(latency_us(row.latency_ms) for row in rows),
    )


def _expected_groups(
    rows: Sequence[RequestLog], group_by: Sequence[GroupBy]
) -> dict[tuple[Any, ...], UsageTotals]:
    grouped: dict[tuple[Any, ...], list[RequestLog]] = defaultdict(list)
    for row in rows:
        grouped[_key_of(row, group_by)].append(row)
    return {key: _totals(members) for key, members in grouped.items()}


def _actual_groups(groups: Sequence[Any], group_by: Sequence[GroupBy]) -> dict[Any, UsageTotals]:
    return {
        tuple(getattr(group, dimension.value) for dimension in group_by): group.totals
        for group in groups
    }


@pytest.fixture
async def traffic(db: Database) -> tuple[Fleet, list[RequestLog]]:
    fleet = make_fleet(db)
    batches = await record_all(db, random_entries(fleet, 700, seed=7))
    assert batches < 700  # the writer grouped requests into shared transactions
    with db.session() as session:
        rows = list(session.scalars(select(RequestLog)))
    assert len(rows) == 700
    return fleet, rows


async def test_totals_and_series_equal_the_raw_log(
    db: Database, traffic: tuple[Fleet, list[RequestLog]]
) -> None:
    fleet, rows = traffic
    for start, end in RANGES.values():
        _check_range(db, fleet, rows, start, end)


def _check_range(
    db: Database, fleet: Fleet, rows: Sequence[RequestLog], start: datetime, end: datetime
) -> None:
    lo, hi = floor_time(start, Granularity.MINUTE), ceil_time(end, Granularity.MINUTE)
    for project_ids in (fleet.projects, fleet.projects[:2]):
        in_range = [
            row for row in rows if lo <= row.created_at < hi and row.project_id in project_ids
        ]
        with db.session() as session:
            for group_by in GROUPINGS:
                summary = usage_summary(session, project_ids, start, end, group_by=group_by)
                assert (summary.start, summary.end) == (lo, hi)
                assert summary.totals == _totals(in_range)
                if group_by:
                    expected = _expected_groups(in_range, group_by)
                    assert _actual_groups(summary.groups, group_by) == expected
                for width in Granularity:
                    if (hi - lo) / width.width > 1440:
                        continue
                    series = usage_series(
                        session, project_ids, start, end, width, group_by=group_by
                    )
                    _check_series(series.buckets, in_range, group_by, lo, hi, width)


def _check_series(
    buckets: Sequence[Any],
    rows: Sequence[RequestLog],
    group_by: Sequence[GroupBy],
    lo: datetime,
    hi: datetime,
    width: Granularity,
) -> None:
    assert buckets[0].start == lo
    assert buckets[-1].end == hi
    assert all(a.end == b.start for a, b in itertools.pairwise(buckets))
    by_bucket: dict[datetime, list[RequestLog]] = defaultdict(list)
    for row in rows:
        by_bucket[max(floor_time(row.created_at, width), lo)].append(row)
    for bucket in buckets:
        members = by_bucket.pop(bucket.start, [])
        assert bucket.totals == _totals(members)
        key_fn = _expected_groups(members, group_by) if group_by else None
        if key_fn is not None:
            assert _actual_groups(bucket.groups, group_by) == key_fn
    assert by_bucket == {}


async def test_filters_by_key_and_model(
    db: Database, traffic: tuple[Fleet, list[RequestLog]]
) -> None:
    fleet, rows = traffic
    project = fleet.projects[0]
    key = fleet.keys[project][1]
    assert key is not None
    start, end = RANGES["30d"]
    lo, hi = floor_time(start, Granularity.MINUTE), ceil_time(end, Granularity.MINUTE)
    expected = [
        row
        for row in rows
        if row.project_id == project
        and row.api_key_id == key
        and row.model == "zlm-v1-sentiment"
        and lo <= row.created_at < hi
    ]
    with db.session() as session:
        summary = usage_summary(
            session, [project], start, end, api_key_ids=[key], models=["zlm-v1-sentiment"]
        )
    assert summary.totals == _totals(expected)
    assert summary.totals.requests > 0


async def test_keyless_requests_group_under_none(
    db: Database, traffic: tuple[Fleet, list[RequestLog]]
) -> None:
    fleet, rows = traffic
    start, end = RANGES["everything"]
    with db.session() as session:
        summary = usage_summary(session, fleet.projects, start, end, group_by=[GroupBy.API_KEY])
    keyless = [group for group in summary.groups if group.api_key_id is None]
    assert len(keyless) == 1
    assert keyless[0].totals.requests == sum(1 for row in rows if row.api_key_id is None)

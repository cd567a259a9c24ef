"""Usage analytics: totals and time series read from rollups, never from the raw log.

Ranges are half-open, ``[start, end)``, widened to whole minutes (``start`` floored, ``end``
ceiled): the finest rollups are per minute. Within that range the answers are exact — equal to
sums over the request log — because the range is tiled by minute, hour and day rollups
(``decompose``). A 30-day query reads at most ~30 day rows, 46 hour rows and 118 minute rows
per group.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from zgpu.platform.errors import InvalidArgument
from zgpu.platform.usage.buckets import Granularity, align_range, decompose, floor_time
from zgpu.platform.usage.models import NO_KEY
from zgpu.platform.usage.repository import UsageRepository
from zgpu.platform.usage.schemas import (
    GroupBy,
    UsageBucket,
    UsageGroup,
    UsageSeries,
    UsageSummary,
    UsageTotals,
)

MAX_BUCKETS = 1440
"""The most buckets one series may have (a day of minutes, 60 days of hours)."""

_GroupKey = tuple[Any, ...]


def usage_summary(
    session: Session,
    project_ids: Sequence[uuid.UUID],
    start: datetime,
    end: datetime,
    *,
    group_by: Sequence[GroupBy] = (),
    api_key_ids: Sequence[uuid.UUID] | None = None,
    models: Sequence[str] | None = None,
) -> UsageSummary:
    """Totals of the given projects over ``[start, end)``, optionally split by ``group_by``.

    ``api_key_ids`` and ``models``, when given, keep only those keys and models. Raises
    ``InvalidArgument`` for naive times or an empty range.
    """
    start, end = align_range(start, end)
    dimensions = _dimensions(group_by)
    repository = UsageRepository(session)
    sums: dict[_GroupKey, UsageTotals] = {}
    rows = repository.sum_segments(
        decompose(start, end, Granularity.DAY),
        project_ids,
        dimensions,
        per_bucket=False,
        api_key_ids=api_key_ids,
        models=models,
    )
    for row in rows:
        key, totals = _split(row, len(dimensions))
        sums[key] = sums.get(key, UsageTotals()) + totals
    groups = _groups(sums, group_by)
    total = UsageTotals()
    for totals in sums.values():
        total += totals
    return UsageSummary(start=start, end=end, totals=total, groups=groups if group_by else ())


def usage_series(
    session: Session,
    project_ids: Sequence[uuid.UUID],
    start: datetime,
    end: datetime,
    width: Granularity,
    *,
    group_by: Sequence[GroupBy] = (),
    api_key_ids: Sequence[uuid.UUID] | None = None,
    models: Sequence[str] | None = None,
) -> UsageSeries:
    """Per-bucket totals over ``[start, end)`` in buckets of ``width``, split by ``group_by``.

    Every bucket of the range is present (with no groups when nothing happened), so charts need
    no gap filling. Raises ``InvalidArgument`` for naive times, an empty range, or more than
    ``MAX_BUCKETS`` buckets (param ``bucket_width``).
    """
    start, end = align_range(start, end)
    edges = _bucket_edges(start, end, width)
    dimensions = _dimensions(group_by)
    repository = UsageRepository(session)
    sums: dict[datetime, dict[_GroupKey, UsageTotals]] = {edge: {} for edge in edges[:-1]}
    rows = repository.sum_segments(
        decompose(start, end, width),
        project_ids,
        dimensions,
        per_bucket=True,
        api_key_ids=api_key_ids,
        models=models,
    )
    for row in rows:
        key, totals = _split(row[1:], len(dimensions))
        bucket = sums[max(floor_time(row[0], width), start)]
        bucket[key] = bucket.get(key, UsageTotals()) + totals
    buckets = tuple(
        UsageBucket(start=lo, end=hi, groups=_groups(sums[lo], group_by))
        for lo, hi in itertools.pairwise(edges)
    )
    return UsageSeries(start=start, end=end, width=width, group_by=tuple(group_by), buckets=buckets)


def _bucket_edges(start: datetime, end: datetime, width: Granularity) -> list[datetime]:
    edges = [start]
    edge = floor_time(start, width) + width.width
    while edge < end:
        edges.append(edge)
        if len(edges) > MAX_BUCKETS:
            raise InvalidArgument(
                f"the range holds more than {MAX_BUCKETS} buckets of a {width.value}; "
                "use a wider bucket_width or a shorter range",
                param="bucket_width",
            )
        edge += width.width
    edges.append(end)
    return edges


def _dimensions(group_by: Sequence[GroupBy]) -> list[str]:
    if len(set(group_by)) != len(group_by):
        raise InvalidArgument("group_by names a dimension twice", param="group_by")
    return [dimension.value for dimension in group_by]


def _split(row: tuple[Any, ...], width: int) -> tuple[_GroupKey, UsageTotals]:
    values = tuple(row)
    requests, errors, input_tokens, output_tokens, latency = (int(v or 0) for v in values[width:])
    totals = UsageTotals(
        requests=requests,
        errors=errors,
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        latency_us_sum=latency,
    )
    return values[:width], totals


def _groups(
    sums: dict[_GroupKey, UsageTotals], group_by: Sequence[GroupBy]
) -> tuple[UsageGroup, ...]:
    groups = []
    for key, totals in sums.items():
        named = dict(zip((dimension.value for dimension in group_by), key, strict=True))
        api_key_id = named.get(GroupBy.API_KEY.value)
        groups.append(
            UsageGroup(
                totals=totals,
                project_id=named.get(GroupBy.PROJECT.value),
                api_key_id=None if api_key_id == NO_KEY else api_key_id,
                model=named.get(GroupBy.MODEL.value),
            )
        )
    groups.sort(key=lambda g: (str(g.project_id or ""), str(g.api_key_id or ""), g.model or ""))
    return tuple(groups)

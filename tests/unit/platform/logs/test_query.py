"""The Logs page: filters, sorting, and keyset pagination that is stable under inserts."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from tests.unit.platform.logs.conftest import T0, Seeded, make_entries, store
from zgpu.platform.db import Database
from zgpu.platform.errors import InvalidArgument, NotFound
from zgpu.platform.logs import (
    LogFilter,
    Order,
    RequestLog,
    RequestLogEntry,
    SortKey,
    StatusFilter,
    get_log,
    query_logs,
)
from zgpu.platform.logs.cursor import Position, encode_cursor


def _walk(
    db: Database,
    project_id: uuid.UUID,
    filters: LogFilter,
    sort: SortKey,
    order: Order,
    limit: int,
) -> list[RequestLog]:
    rows: list[RequestLog] = []
    after = None
    while True:
        with db.session() as session:
            page = query_logs(
                session, project_id, filters, sort=sort, order=order, limit=limit, after=after
            )
        rows.extend(page.data)
        assert len(page.data) <= limit
        if not page.has_more:
            assert page.next_cursor is None
            return rows
        after = page.next_cursor


def _matches(entry: RequestLogEntry, filters: LogFilter) -> bool:
    status = filters.status
    if status is not None:
        if status.code is not None and entry.status != status.code:
            return False
        if status.status_class is not None and entry.status // 100 != status.status_class:
            return False
    if filters.model is not None and entry.model != filters.model:
        return False
    if filters.api_key_id is not None and entry.api_key_id != filters.api_key_id:
        return False
    if filters.start is not None and entry.created_at < filters.start:
        return False
    return filters.end is None or entry.created_at < filters.end


@pytest.mark.parametrize("sort", list(SortKey))
@pytest.mark.parametrize("order", list(Order))
def test_walking_every_page_yields_the_full_sorted_list(
    db: Database, seeded: Seeded, sort: SortKey, order: Order
) -> None:
    filters = LogFilter()
    rows = _walk(db, seeded.project_id, filters, sort, order, limit=17)
    assert len(rows) == len(seeded.entries)
    assert len({row.id for row in rows}) == len(rows)
    keys = [(row.created_at if sort is SortKey.TIME else row.latency_ms, row.id) for row in rows]
    assert keys == sorted(keys, reverse=order is Order.DESC)


@pytest.mark.parametrize(
    "filters_of",
    [
        lambda s: LogFilter(status=StatusFilter.parse("4xx")),
        lambda s: LogFilter(status=StatusFilter.parse("404")),
        lambda s: LogFilter(status=StatusFilter.parse("5XX"), model="zlm-v1-summary-cloud"),
        lambda s: LogFilter(api_key_id=s.keys[0]),
        lambda s: LogFilter(
            start=T0 + timedelta(minutes=30), end=T0 + timedelta(hours=1, minutes=5)
        ),
        lambda s: LogFilter(status=StatusFilter.parse("2xx"), api_key_id=s.keys[1]),
    ],
)
def test_filters_select_exactly_the_matching_rows(
    db: Database, seeded: Seeded, filters_of: object
) -> None:
    filters: LogFilter = filters_of(seeded)  # type: ignore[operator]
    expected = {e.request_id for e in seeded.entries if _matches(e, filters)}
    assert expected  # the data exercises the filter
    for sort in SortKey:
        rows = _walk(db, seeded.project_id, filters, sort, Order.DESC, limit=25)
        assert {row.request_id for row in rows} == expected
        assert len(rows) == len(expected)


def test_pages_stay_stable_while_rows_are_inserted(db: Database, seeded: Seeded) -> None:
    """Newest first: rows recorded mid-walk are newer than the cursor, so they are neither
    seen nor shift what follows; the walk yields exactly the rows present when it began."""
    before = {e.request_id for e in seeded.entries}
    seen: list[str] = []
    after = None
    inserted = 0
    while True:
        with db.session() as session:
            page = query_logs(session, seeded.project_id, limit=40, after=after)
        seen.extend(row.request_id for row in page.data)
        later = make_entries(
            seeded.project_id, seeded.keys, 5, seed=inserted, prefix=f"new{inserted}-"
        )
        store(db, [_shift(e, timedelta(days=1)) for e in later])
        inserted += 1
        if not page.has_more:
            break
        after = page.next_cursor
    assert len(seen) == len(set(seen)) == len(before)
    assert set(seen) == before
    assert inserted > 3


def _shift(entry: RequestLogEntry, delta: timedelta) -> RequestLogEntry:
    values = {name: getattr(entry, name) for name in entry.__dataclass_fields__}
    values["created_at"] = entry.created_at + delta
    return RequestLogEntry(**values)


def test_projects_do_not_see_each_other(db: Database, seeded: Seeded) -> None:
    with db.session() as session:
        assert query_logs(session, uuid.uuid4()).data == []
        with pytest.raises(NotFound):
            get_log(session, uuid.uuid4(), "r1")
        assert get_log(session, seeded.project_id, "r1").request_id == "r1"
        with pytest.raises(NotFound) as caught:
            get_log(session, seeded.project_id, "nope")
    assert caught.value.param == "request_id"


@pytest.mark.parametrize("text", ["4x", "600", "abc", "", "99", "6xx", "40 4", "4xxx"])
def test_bad_status_filters_name_the_field(text: str) -> None:
    with pytest.raises(InvalidArgument) as caught:
        StatusFilter.parse(text)
    assert caught.value.param == "status"


def test_status_filters_parse() -> None:
    assert StatusFilter.parse("404") == StatusFilter(code=404)
    assert StatusFilter.parse("4xx") == StatusFilter(status_class=4)
    assert str(StatusFilter.parse("5XX")) == "5xx"


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "!!!",
        "eyJ2IjoxfQ",  # {"v":1}
        encode_cursor(SortKey.LATENCY, Order.DESC, Position(3.0, 5)),  # another sort
        encode_cursor(SortKey.TIME, Order.ASC, Position(T0, 5)),  # another order
        "A" * 5000,
    ],
)
def test_bad_cursors_are_rejected(db: Database, seeded: Seeded, cursor: str) -> None:
    with db.session() as session, pytest.raises(InvalidArgument) as caught:
        query_logs(session, seeded.project_id, after=cursor)
    assert caught.value.param == "after"


def test_limits_and_ranges_are_checked(db: Database, seeded: Seeded) -> None:
    with db.session() as session:
        for limit in (0, 1001):
            with pytest.raises(InvalidArgument) as caught:
                query_logs(session, seeded.project_id, limit=limit)
            assert caught.value.param == "limit"
    with pytest.raises(InvalidArgument) as caught:
        LogFilter(start=T0, end=T0)
    assert caught.value.param == "end_time"
    with pytest.raises(InvalidArgument) as caught:
        LogFilter(start=T0.replace(tzinfo=None))
    assert caught.value.param == "start_time"

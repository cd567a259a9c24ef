"""Billing a batch of request logs: exact costs at the price of each request's time, prices
never stale though cached, every billed request charged exactly once, one statement on
PostgreSQL."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, func, select

from tests.unit.platform.billing.conftest import NOW, Org, new_org
from zgpu.platform.billing import (
    DEFAULT_PRICE,
    Price,
    UsageCharge,
    price_at,
    request_cost_micro,
    set_price,
)
from zgpu.platform.billing.prices import MAX_PRICE_MICRO
from zgpu.platform.db import Database
from zgpu.platform.errors import InvalidArgument, StorageError
from zgpu.platform.logs import RequestLog, RequestLogEntry, RequestLogWriter
from zgpu.platform.logs.batch import BatchConnection

SUMMARY = "zlm-v1-summary-cloud"
CLASSIFY = "zlm-v1-iab-classify-cloud"
INT_MAX = 2**31 - 1
"""The largest token count a log row holds."""


def entry(
    org: Org,
    *,
    model: str = SUMMARY,
    status: int = 200,
    at: datetime = NOW,
    tokens: tuple[int, int] = (1000, 10),
    request_id: str | None = None,
) -> RequestLogEntry:
    return RequestLogEntry(
        request_id=request_id or f"req_{uuid.uuid4().hex}",
        project_id=org.project_id,
        model=model,
        status=status,
        latency_ms=5.0,
        input_tokens=tokens[0],
        output_tokens=tokens[1],
        created_at=at,
    )


def charges(db: Database) -> dict[str, tuple[uuid.UUID, int]]:
    """Every usage charge: request id → (organization, cost)."""
    with db.session() as session:
        rows = session.execute(
            select(UsageCharge.request_id, UsageCharge.organization_id, UsageCharge.cost_micro)
        ).all()
    return {row[0]: (row[1], row[2]) for row in rows}


def expected(db: Database, orgs: dict[uuid.UUID, Org], entries: list[RequestLogEntry]) -> Any:
    """The charges the entries must produce, priced one at a time with ``price_at``."""
    owner = {org.project_id: org.id for org in orgs.values()}
    costs: dict[str, tuple[uuid.UUID, int]] = {}
    with db.session() as session:
        for e in entries:
            if e.status < 400:
                price = price_at(session, e.model, e.created_at, default=DEFAULT_PRICE)
                cost = request_cost_micro(price, e.input_tokens, e.output_tokens)
                costs[e.request_id] = (owner[e.project_id], cost)
    return costs


def totals(costs: dict[str, tuple[uuid.UUID, int]]) -> dict[uuid.UUID, int]:
    by_org: dict[uuid.UUID, int] = {}
    for organization_id, cost in costs.values():
        by_org[organization_id] = by_org.get(organization_id, 0) + cost
    return by_org


def test_a_batch_is_billed_exactly_at_the_price_of_each_request_time(db: Database) -> None:
    acme, globex = new_org(db, "Acme"), new_org(db, "Globex")
    change = NOW + timedelta(hours=1)
    with db.session() as session:
        set_price(session, SUMMARY, Price(1_000_001, 3), change, now=NOW)
        set_price(session, SUMMARY, Price(7, 999_999), change + timedelta(hours=1), now=NOW)
        set_price(session, "zlm-huge", Price(MAX_PRICE_MICRO, MAX_PRICE_MICRO), NOW, now=NOW)
    tick = timedelta(microseconds=1)
    entries = [
        entry(acme),  # the seeded default row
        entry(acme, at=change - tick),  # just before the change: still the old price
        entry(globex, at=change),  # exactly at the change
        entry(globex, at=change + timedelta(hours=2), tokens=(3, 1)),  # the third price
        entry(acme, model="zlm-unpriced", tokens=(1, 1)),  # no row: the default, ceil(0.6)
        entry(acme, model="zlm-huge", tokens=(INT_MAX, INT_MAX)),  # past 64-bit products
        entry(globex, model="zlm-huge", at=NOW - tick, tokens=(INT_MAX, 0)),  # before its row
        entry(acme, tokens=(0, 0)),  # free but billed: a zero charge
        entry(acme, status=399, model=CLASSIFY),  # below 400: billed
        entry(acme, status=400),  # errors are free
        entry(globex, status=503, tokens=(10**6, 10**3)),
    ]
    store = BatchConnection(db, usage_rollups=True, bill_usage=True)
    try:
        billed = store.write(entries)
    finally:
        store.close()
    want = expected(db, {acme.id: acme, globex.id: globex}, entries)
    assert charges(db) == want
    assert billed == totals(want)
    huge = request_cost_micro(Price(MAX_PRICE_MICRO, MAX_PRICE_MICRO), INT_MAX, INT_MAX)
    assert want[entries[5].request_id] == (acme.id, huge)  # ≈ $4.3 billion, to the micro-dollar


def test_a_price_change_applies_from_the_next_batch_though_prices_are_cached(
    db: Database, org: Org, migrated_url: str
) -> None:
    store = BatchConnection(db, usage_rollups=True, bill_usage=True)
    other_gateway = Database(migrated_url)
    try:
        for _ in range(3):
            assert store.write([entry(org)]) == {org.id: 204}  # 1000 × 0.2 + 10 × 0.4
        # Another process changes the price, effective from before these requests' time.
        with other_gateway.session() as session:
            set_price(session, SUMMARY, Price(1_000_000, 0), NOW, now=NOW)
        assert store.write([entry(org), entry(org, model=CLASSIFY)]) == {org.id: 1000 + 204}
        assert store.write([entry(org)]) == {org.id: 1000}
    finally:
        store.close()
        other_gateway.dispose()
    if db.dialect == "sqlite":  # the pricer read owners once, prices once per version
        assert (store.pricer.owner_reads, store.pricer.price_loads) == (1, 2)


async def test_every_billed_request_is_charged_once_when_batches_fail_and_retry(
    db: Database, org: Org
) -> None:
    async def record_all(entries: list[RequestLogEntry]) -> list[BaseException | None]:
        writer = RequestLogWriter(db, max_batch=64, bill_usage=True)
        await writer.start()
        try:
            return await asyncio.gather(
                *(writer.record(e) for e in entries), return_exceptions=True
            )
        finally:
            await writer.stop()

    first = [entry(org, status=(200, 404, 200, 500)[n % 4], tokens=(n, n % 7)) for n in range(40)]
    assert await record_all(first) == [None] * len(first)
    ghost = Org(org.id, uuid.uuid4())  # a project that does not exist
    again = [
        *(entry(org, tokens=(n, 1)) for n in range(30)),
        entry(org, request_id=first[0].request_id),  # already billed
        entry(ghost),
    ]
    outcomes = await record_all(again)
    assert [type(o) for o in outcomes[-2:]] == [StorageError, StorageError]
    assert outcomes[:-2] == [None] * 30
    recorded = first + again[:30]
    want = expected(db, {org.id: org}, recorded)
    assert charges(db) == want
    with db.session() as session:  # the same sum over the billed log rows, row for row
        logged = session.execute(
            select(func.count(), func.sum(UsageCharge.cost_micro)).join(
                RequestLog, RequestLog.request_id == UsageCharge.request_id
            )
        ).one()
    assert tuple(logged) == (len(want), sum(cost for _, cost in want.values()))


def test_a_billed_batch_is_one_statement_on_postgresql(
    db: Database, org: Org, backend: str
) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite batches are several in-process statements in one transaction")
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    store = BatchConnection(db, usage_rollups=True, bill_usage=True)
    try:
        store.write([entry(org)])  # connects
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            billed = store.write([entry(org), entry(org, status=500), entry(org, tokens=(1, 1))])
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
    finally:
        store.close()
    assert billed == {org.id: 204 + 1}
    assert len(statements) == 1
    assert "INSERT INTO usage_charges" in statements[0]


def test_log_entries_refuse_negative_token_counts() -> None:
    for tokens in ((-1, 0), (0, -1)):
        with pytest.raises(InvalidArgument) as caught:
            entry(Org(uuid.uuid4(), uuid.uuid4()), tokens=tokens)
        assert caught.value.param == "tokens"

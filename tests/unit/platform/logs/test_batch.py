"""One batch: log rows and rollups in one statement on PostgreSQL, atomic, exact, resilient."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from zgpu.platform.db import Database
from zgpu.platform.errors import StorageError
from zgpu.platform.keys import create_key
from zgpu.platform.logs import RequestLog, RequestLogEntry
from zgpu.platform.logs.batch import BatchConnection
from zgpu.platform.usage import UsageRollup
from zgpu.platform.usage.repository import ROLLUP_COLUMNS
from zgpu.platform.usage.rollup import rollup_rows

EDGE = datetime(2026, 3, 1, 0, 0, tzinfo=UTC)
"""A day, hour and minute boundary."""


def _entry(project_id: uuid.UUID, n: int, **overrides: Any) -> RequestLogEntry:
    values: dict[str, Any] = {
        "request_id": f"req_{uuid.uuid4().hex}",
        "project_id": project_id,
        "model": ("zlm-v1-summary-cloud", "zlm-v1-iab-classify-cloud")[n % 2],
        "status": (200, 404, 500, 200)[n % 4],
        "latency_ms": (0.0005, 12.3456789, 2.5e-4, 901.0000005)[n % 4] + n,
        "input_tokens": 10 * n,
        "output_tokens": n % 3,
    }
    values.update(overrides)
    return RequestLogEntry(**values)


def _rollups(db: Database) -> list[dict[str, Any]]:
    with db.session() as session:
        rows = session.scalars(select(UsageRollup)).all()
        found = [{name: getattr(row, name) for name in ROLLUP_COLUMNS} for row in rows]
    for row in found:  # SQLite hands back naive UTC times
        row["bucket_start"] = row["bucket_start"].replace(tzinfo=UTC)
    return sorted(found, key=_order)


def _order(row: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(str(row[name]) for name in ROLLUP_COLUMNS[:5])


def _log_count(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(RequestLog)) or 0


def test_rollups_equal_the_in_memory_grouping_exactly(
    db: Database, project_id: uuid.UUID, backend: str, migrated_url: str
) -> None:
    with db.session() as session:
        key = create_key(session, project_id, "a").id
        if backend == "postgresql":
            # Buckets are UTC whatever the server's time zone (+05:30 shifts hours and days).
            name = make_url(migrated_url).database
            session.execute(text(f"ALTER DATABASE \"{name}\" SET TimeZone = 'Asia/Kolkata'"))
    db.dispose()  # new connections take the database's setting
    # Times on and either side of every boundary, keyless and keyed, repeated keys in a batch.
    times = [EDGE, EDGE - timedelta(microseconds=1), EDGE + timedelta(seconds=59, microseconds=1)]
    times += [EDGE + timedelta(hours=1), EDGE - timedelta(minutes=1), EDGE + timedelta(days=1)]
    batches = [
        [
            _entry(project_id, n, created_at=when, api_key_id=key if n % 3 else None)
            for n, when in enumerate(times * 3)
        ],
        [_entry(project_id, n, created_at=EDGE) for n in range(5)],  # adds to existing rows
    ]
    store = BatchConnection(db, usage_rollups=True, bill_usage=False)
    try:
        for batch in batches:
            assert store.write(batch) == {}
    finally:
        store.close()
    everything = [entry for batch in batches for entry in batch]
    assert _rollups(db) == sorted(rollup_rows(everything), key=_order)
    assert _log_count(db) == len(everything)


def test_a_failed_batch_leaves_neither_logs_nor_rollups(
    db: Database, project_id: uuid.UUID
) -> None:
    store = BatchConnection(db, usage_rollups=True, bill_usage=False)
    try:
        first = _entry(project_id, 1)
        store.write([first])
        before = _rollups(db)
        with pytest.raises(StorageError):
            store.write([_entry(project_id, 2), first])  # duplicate request id: whole batch
        with pytest.raises(StorageError):
            store.write([_entry(project_id, 3), _entry(uuid.uuid4(), 4)])  # no such project
        assert _rollups(db) == before
        assert _log_count(db) == 1
        store.write([_entry(project_id, 5)])  # the connection is usable again
    finally:
        store.close()
    assert _log_count(db) == 2


def test_long_values_are_refused_not_truncated(
    db: Database, project_id: uuid.UUID, backend: str
) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite does not enforce VARCHAR lengths")
    store = BatchConnection(db, usage_rollups=True, bill_usage=False)
    try:
        with pytest.raises(StorageError):
            store.write([_entry(project_id, 1, request_id="r" * 65)])
    finally:
        store.close()
    assert _log_count(db) == 0


def test_a_connection_lost_while_idle_is_replaced(
    db: Database, project_id: uuid.UUID, backend: str, migrated_url: str
) -> None:
    if backend != "postgresql":
        pytest.skip("an embedded SQLite database has no server connection to lose")
    store = BatchConnection(db, usage_rollups=True, bill_usage=False)
    try:
        store.write([_entry(project_id, 1)])
        # The server ends every other session of the database, as a restart would.
        libpq = make_url(migrated_url).set(drivername="postgresql").render_as_string(False)
        with psycopg.connect(libpq, autocommit=True) as admin:
            ended = admin.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ).fetchone()
        assert ended is not None
        assert ended[0] >= 1
        store.write([_entry(project_id, 2)])
    finally:
        store.close()
    assert _log_count(db) == 2
    with db.session() as session:
        requests = session.scalar(
            select(func.sum(UsageRollup.requests)).where(UsageRollup.granularity == "day")
        )
    assert requests == 2


def test_billing_commits_with_the_batch(db: Database, project_id: uuid.UUID) -> None:
    store = BatchConnection(db, usage_rollups=True, bill_usage=True)
    try:
        billed = store.write([_entry(project_id, 0, input_tokens=1000), _entry(project_id, 1)])
    finally:
        store.close()
    assert len(billed) == 1
    assert next(iter(billed.values())) > 0
    with db.session() as session:
        charges = session.execute(text("SELECT count(*) FROM usage_charges")).scalar_one()
    assert charges == 1  # the 404 is free
    assert _log_count(db) == 2

"""RequestLogWriter: every record is committed before it returns, many share one transaction."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import event, func, select

from zgpu.platform.db import Database
from zgpu.platform.errors import InvalidArgument, StorageError
from zgpu.platform.keys import create_key
from zgpu.platform.logs import RequestLog, RequestLogEntry, RequestLogWriter, list_logs


def _entry(project_id: uuid.UUID, n: int, **overrides: Any) -> RequestLogEntry:
    values: dict[str, Any] = {
        "request_id": f"req_{uuid.uuid4().hex}",
        "project_id": project_id,
        "model": "zlm-v1-summary-cloud",
        "status": 200,
        "latency_ms": 12.5 + n,
        "input_tokens": 100 + n,
        "output_tokens": 20,
        "served_by": "worker-1",
        "route": "cloud",
    }
    values.update(overrides)
    return RequestLogEntry(**values)


@pytest.fixture
async def writer(db: Database) -> AsyncIterator[RequestLogWriter]:
    log_writer = RequestLogWriter(db)
    await log_writer.start()
    yield log_writer
    await log_writer.stop()


def _count_rows(url: str) -> int:
    other = Database(url)  # a separate engine: sees only committed rows
    try:
        with other.session() as session:
            return session.scalar(select(func.count()).select_from(RequestLog)) or 0
    finally:
        other.dispose()


async def test_record_returns_after_commit(
    writer: RequestLogWriter, project_id: uuid.UUID, migrated_url: str
) -> None:
    for n in range(3):
        await writer.record(_entry(project_id, n))
        assert await asyncio.to_thread(_count_rows, migrated_url) == n + 1


async def test_concurrent_records_share_transactions(
    db: Database, writer: RequestLogWriter, project_id: uuid.UUID
) -> None:
    with db.session() as session:
        key = create_key(session, project_id, "Backend")
    commits: list[object] = []
    event.listen(db.engine, "commit", lambda conn: commits.append(conn))
    entries = [_entry(project_id, n, api_key_id=key.id) for n in range(100)]
    await asyncio.gather(*(writer.record(entry) for entry in entries))
    assert len(commits) < len(entries)
    assert writer.entries == 100
    with db.session() as session:
        rows = list_logs(session, project_id, limit=1000)
    assert {row.request_id for row in rows} == {entry.request_id for entry in entries}
    assert all(row.api_key_id == key.id and row.created_at.tzinfo for row in rows)


async def test_bad_entry_fails_alone(writer: RequestLogWriter, project_id: uuid.UUID) -> None:
    duplicate = _entry(project_id, 0)
    await writer.record(duplicate)
    good = [_entry(project_id, n) for n in range(1, 6)]
    results = await asyncio.gather(
        writer.record(duplicate),
        writer.record(_entry(uuid.uuid4(), 9)),  # no such project
        *(writer.record(entry) for entry in good),
        return_exceptions=True,
    )
    assert isinstance(results[0], StorageError)
    assert isinstance(results[1], StorageError)
    assert results[2:] == [None] * len(good)


async def test_database_failure_fails_every_waiter(tmp_path: object) -> None:
    unmigrated = Database(f"sqlite:///{tmp_path}/empty.db")
    log_writer = RequestLogWriter(unmigrated)
    await log_writer.start()
    try:
        results = await asyncio.gather(
            *(log_writer.record(_entry(uuid.uuid4(), n)) for n in range(5)),
            return_exceptions=True,
        )
        assert all(isinstance(result, StorageError) for result in results)
    finally:
        await log_writer.stop()
        unmigrated.dispose()


async def test_stop_flushes_pending_records(db: Database, project_id: uuid.UUID) -> None:
    log_writer = RequestLogWriter(db, max_batch=7)
    await log_writer.start()
    tasks = [asyncio.create_task(log_writer.record(_entry(project_id, n))) for n in range(30)]
    await asyncio.sleep(0)  # every task has queued its entry
    await log_writer.stop()
    assert all(task.done() and task.exception() is None for task in tasks)
    assert log_writer.batches >= 30 // 7
    with db.session() as session:
        assert len(list_logs(session, project_id, limit=100)) == 30
    with pytest.raises(StorageError):
        await log_writer.record(_entry(project_id, 99))


async def test_list_logs_pages_newest_first(
    db: Database, writer: RequestLogWriter, project_id: uuid.UUID
) -> None:
    for n in range(5):
        await writer.record(_entry(project_id, n))
    with db.session() as session:
        first = list_logs(session, project_id, limit=2)
        second = list_logs(session, project_id, limit=2, before_id=first[-1].id)
        assert list_logs(session, uuid.uuid4()) == []
        with pytest.raises(InvalidArgument):
            list_logs(session, project_id, limit=0)
    ids = [row.id for row in first + second]
    assert ids == sorted(ids, reverse=True)
    assert len(set(ids)) == 4


def test_entries_are_validated() -> None:
    with pytest.raises(InvalidArgument):
        _entry(uuid.uuid4(), 0, route="moon")
    with pytest.raises(InvalidArgument):
        _entry(uuid.uuid4(), 0, created_at=_entry(uuid.uuid4(), 0).created_at.replace(tzinfo=None))

"""Retention: per-project days (or the default), pruned in batches, only old rows."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from tests.unit.platform.logs.conftest import T0, make_entries, store
from zgpu.platform.accounts import create_organization
from zgpu.platform.db import Database
from zgpu.platform.errors import InvalidArgument, NotFound
from zgpu.platform.logs import (
    RequestLog,
    RequestLogEntry,
    RetentionPruner,
    get_retention,
    prune_expired,
    set_retention,
)
from zgpu.platform.projects import create_project

NOW = T0 + timedelta(days=100)


def _aged(project_id: uuid.UUID, count: int, age: timedelta, prefix: str) -> list[RequestLogEntry]:
    entries = make_entries(project_id, (), count, seed=1, prefix=prefix)
    values = [{n: getattr(e, n) for n in e.__dataclass_fields__} for e in entries]
    return [RequestLogEntry(**(v | {"created_at": NOW - age})) for v in values]


def _ids(db: Database, project_id: uuid.UUID) -> set[str]:
    with db.session() as session:
        stmt = select(RequestLog.request_id).where(RequestLog.project_id == project_id)
        return set(session.scalars(stmt))


def test_prune_deletes_only_expired_rows_in_batches(db: Database, project_id: uuid.UUID) -> None:
    with db.session() as session:
        organization = create_organization(session, "Other")
        other = create_project(session, organization.id, "Other").id
        set_retention(session, project_id, 7)
    store(db, _aged(project_id, 23, timedelta(days=8), "old"))
    store(db, _aged(project_id, 5, timedelta(days=6, hours=23), "young"))
    store(db, _aged(other, 9, timedelta(days=8), "other-old"))
    store(db, _aged(other, 4, timedelta(days=20), "other-older"))
    deletes: list[str] = []

    def spy(conn: object, cursor: object, statement: str, *args: object) -> None:
        if statement.lstrip().upper().startswith("DELETE"):
            deletes.append(statement)

    event.listen(db.engine, "before_cursor_execute", spy)

    deleted = prune_expired(db, NOW, default_days=10, batch_size=5, pause_s=0)

    assert deleted == 23 + 4
    assert _ids(db, project_id) == {f"young{n}" for n in range(5)}
    assert _ids(db, other) == {f"other-old{n}" for n in range(9)}
    # 23 rows in batches of 5 take five deletes (one transaction each), the other project's
    # four rows one more.
    assert len(deletes) == 5 + 1


def test_without_any_retention_nothing_is_deleted(db: Database, project_id: uuid.UUID) -> None:
    store(db, _aged(project_id, 3, timedelta(days=3000), "ancient"))
    assert prune_expired(db, NOW) == 0
    assert len(_ids(db, project_id)) == 3


def test_retention_settings(db: Database, project_id: uuid.UUID) -> None:
    with db.session() as session:
        assert get_retention(session, project_id) is None
        set_retention(session, project_id, 30)
        set_retention(session, project_id, 14)
        assert get_retention(session, project_id) == 14
        set_retention(session, project_id, None)
        assert get_retention(session, project_id) is None
        for days in (0, -1, 3651):
            with pytest.raises(InvalidArgument) as caught:
                set_retention(session, project_id, days)
            assert caught.value.param == "days"
        with pytest.raises(NotFound):
            set_retention(session, uuid.uuid4(), 5)


def test_prune_checks_its_arguments(db: Database) -> None:
    with pytest.raises(InvalidArgument):
        prune_expired(db, NOW.replace(tzinfo=None))
    with pytest.raises(InvalidArgument):
        prune_expired(db, NOW, batch_size=0)


async def test_background_pruner_runs_off_the_event_loop(
    db: Database, project_id: uuid.UUID
) -> None:
    store(db, _aged(project_id, 12, timedelta(days=400), "old"))
    store(db, _aged(project_id, 3, timedelta(days=300), "recent"))
    pruner = RetentionPruner(
        db, default_days=365, interval_s=3600, batch_size=5, pause_s=0, clock=lambda: NOW
    )
    await pruner.start()
    try:
        for _ in range(200):
            if pruner.passes:
                break
            await asyncio.sleep(0.02)
    finally:
        await pruner.stop()
    assert pruner.passes == 1
    assert pruner.deleted == 12
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(RequestLog)) == 3

"""Storage of API keys: add, flush and query; never commit."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Table, bindparam, or_, select, update
from sqlalchemy.orm import Session

from zgpu.platform.db.integrity import flush_or_conflict
from zgpu.platform.keys.models import ApiKey
from zgpu.platform.projects.models import Project


@dataclass(frozen=True, slots=True)
class KeyRecord:
    """What authentication needs to know about a key that is not revoked."""

    key_id: uuid.UUID
    project_id: uuid.UUID
    organization_id: uuid.UUID
    project_archived: bool
    expires_at: datetime | None


class KeyRepository:
    """API key queries on one session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, key: ApiKey) -> ApiKey:
        """Stage and flush ``key``; raises ``Conflict`` on a (vanishingly unlikely) hash
        collision or a missing project."""
        self.session.add(key)
        flush_or_conflict(self.session, "the key could not be stored")
        return key

    def get(self, key_id: uuid.UUID) -> ApiKey | None:
        """The key with this id, or ``None``."""
        return self.session.get(ApiKey, key_id)

    def list_for_project(self, project_id: uuid.UUID) -> Sequence[ApiKey]:
        """The project's keys, newest first."""
        stmt = (
            select(ApiKey)
            .where(ApiKey.project_id == project_id)
            .order_by(ApiKey.created_at.desc(), ApiKey.id)
        )
        return self.session.scalars(stmt).all()

    def find_unrevoked(self, secret_hash: str) -> KeyRecord | None:
        """The unrevoked key with this hash, with its project's state, or ``None``."""
        stmt = (
            select(
                ApiKey.id,
                ApiKey.project_id,
                Project.organization_id,
                Project.archived_at,
                ApiKey.expires_at,
            )
            .join(Project, Project.id == ApiKey.project_id)
            .where(ApiKey.secret_hash == secret_hash, ApiKey.revoked_at.is_(None))
        )
        row = self.session.execute(stmt).first()
        if row is None:
            return None
        return KeyRecord(
            key_id=row[0],
            project_id=row[1],
            organization_id=row[2],
            project_archived=row[3] is not None,
            expires_at=row[4],
        )

    def touch(self, uses: Iterable[tuple[uuid.UUID, datetime]]) -> None:
        """Move ``last_used_at`` forward for each (key id, time); never moves it back."""
        params = [{"key_id": key_id, "used_at": used_at} for key_id, used_at in uses]
        if not params:
            return
        table = cast(Table, ApiKey.__table__)
        stmt = (
            update(table)
            .where(
                table.c.id == bindparam("key_id"),
                or_(
                    table.c.last_used_at.is_(None),
                    table.c.last_used_at < bindparam("used_at"),
                ),
            )
            .values(last_used_at=bindparam("used_at"))
        )
        self.session.execute(stmt, params)

    def flush(self) -> None:
        """Write pending changes to the transaction."""
        self.session.flush()

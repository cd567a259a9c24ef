"""Storage of request logs: bulk insert and keyset listing; never commit."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from zgpu.platform.logs.models import RequestLog
from zgpu.platform.logs.schemas import RequestLogEntry


class RequestLogRepository:
    """Request log queries on one session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def insert_many(self, entries: Sequence[RequestLogEntry]) -> None:
        """Insert every entry in one executemany statement."""
        if entries:
            # Core insert on the table: plain executemany, no ORM bookkeeping per row.
            table = cast(Table, RequestLog.__table__)
            self.session.execute(insert(table), [entry.as_row() for entry in entries])

    def list_for_project(
        self, project_id: uuid.UUID, limit: int, before_id: int | None
    ) -> Sequence[RequestLog]:
        """Up to ``limit`` of the project's rows, newest (highest id) first, below ``before_id``."""
        stmt = select(RequestLog).where(RequestLog.project_id == project_id)
        if before_id is not None:
            stmt = stmt.where(RequestLog.id < before_id)
        stmt = stmt.order_by(RequestLog.id.desc()).limit(limit)
        return self.session.scalars(stmt).all()

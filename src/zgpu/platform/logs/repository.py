"""Storage of request logs: bulk insert, keyset listing and batched deletes; never commit."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, delete, insert, literal, select, tuple_
from sqlalchemy.orm import Session

from zgpu.platform.db.unnest import column_arrays, unnest_insert
from zgpu.platform.logs.cursor import Position
from zgpu.platform.logs.models import RequestLog
from zgpu.platform.logs.query import LogFilter, Order, SortKey
from zgpu.platform.logs.schemas import RequestLogEntry

LOG_COLUMNS = (*RequestLogEntry.__dataclass_fields__, "status_class")
"""The columns an insert fills: every field of ``RequestLogEntry`` and ``status_class``."""
LOG_PREFIX = "log_"
"""The parameter prefix ``insert_many`` uses (see ``zgpu.platform.db.unnest``)."""


def log_rows(entries: Iterable[RequestLogEntry]) -> list[dict[str, Any]]:
    """The entries as column values for an insert (``LOG_COLUMNS``, ``status_class`` filled)."""
    return [entry.as_row() | {"status_class": entry.status // 100} for entry in entries]


@functools.cache
def log_insert_sql(prefix: str) -> str:
    """PostgreSQL text of the insert of a batch of log rows, built once.

    Parameters are one array per column of ``LOG_COLUMNS``, named ``prefix + column``
    (``zgpu.platform.db.unnest.column_arrays`` builds them).
    """
    return unnest_insert(cast(Table, RequestLog.__table__), LOG_COLUMNS, prefix)


class RequestLogRepository:
    """Request log queries on one session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def insert_many(self, entries: Sequence[RequestLogEntry]) -> None:
        """Insert every entry in one statement.

        On PostgreSQL one ``INSERT ... SELECT FROM unnest(...)`` (``log_insert_sql``), on
        SQLite one executemany; no ORM bookkeeping per row either way.
        """
        if not entries:
            return
        rows = log_rows(entries)
        if self.session.get_bind().dialect.name == "postgresql":
            params = column_arrays(rows, LOG_COLUMNS, LOG_PREFIX)
            self.session.connection().exec_driver_sql(log_insert_sql(LOG_PREFIX), params)
        else:
            self.session.execute(insert(cast(Table, RequestLog.__table__)), rows)

    def list_for_project(
        self, project_id: uuid.UUID, limit: int, before_id: int | None
    ) -> Sequence[RequestLog]:
        """Up to ``limit`` of the project's rows, newest (highest id) first, below ``before_id``."""
        stmt = select(RequestLog).where(RequestLog.project_id == project_id)
        if before_id is not None:
            stmt = stmt.where(RequestLog.id < before_id)
        stmt = stmt.order_by(RequestLog.id.desc()).limit(limit)
        return self.session.scalars(stmt).all()

    def page(
        self,
        project_id: uuid.UUID,
        filters: LogFilter,
        sort: SortKey,
        order: Order,
        limit: int,
        after: Position | None,
    ) -> Sequence[RequestLog]:
        """Up to ``limit`` matching rows in ``(sort value, id)`` order, strictly after ``after``.

        Keyset pagination: the position is a condition on an index, never an ``OFFSET``.
        """
        column: Any = RequestLog.created_at if sort is SortKey.TIME else RequestLog.latency_ms
        conditions = [RequestLog.project_id == project_id, *_filter_conditions(filters)]
        if after is not None:
            key = tuple_(column, RequestLog.id)
            bound = tuple_(literal(after.value, column.type), literal(after.row_id))
            conditions.append(key < bound if order is Order.DESC else key > bound)
        ordering = (
            (column.desc(), RequestLog.id.desc())
            if order is Order.DESC
            else (column.asc(), RequestLog.id.asc())
        )
        stmt = select(RequestLog).where(*conditions).order_by(*ordering).limit(limit)
        return self.session.scalars(stmt).all()

    def get(self, project_id: uuid.UUID, request_id: str) -> RequestLog | None:
        """The project's row with this request id, if any."""
        stmt = select(RequestLog).where(
            RequestLog.request_id == request_id, RequestLog.project_id == project_id
        )
        return self.session.scalars(stmt).first()

    def delete_older_than(self, project_id: uuid.UUID, cutoff: datetime, limit: int) -> int:
        """Delete up to ``limit`` of the project's rows created before ``cutoff``; the count."""
        ids = select(RequestLog.id).where(
            RequestLog.project_id == project_id, RequestLog.created_at < cutoff
        )
        chosen = list(self.session.scalars(ids.order_by(RequestLog.created_at).limit(limit)))
        if not chosen:
            return 0
        self.session.execute(delete(RequestLog).where(RequestLog.id.in_(chosen)))
        return len(chosen)


def _filter_conditions(filters: LogFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    status = filters.status
    if status is not None:
        if status.code is not None:
            conditions.append(RequestLog.status_class == status.code // 100)
            conditions.append(RequestLog.status == status.code)
        else:
            conditions.append(RequestLog.status_class == status.status_class)
    if filters.model is not None:
        conditions.append(RequestLog.model == filters.model)
    if filters.api_key_id is not None:
        conditions.append(RequestLog.api_key_id == filters.api_key_id)
    if filters.start is not None:
        conditions.append(RequestLog.created_at >= filters.start)
    if filters.end is not None:
        conditions.append(RequestLog.created_at < filters.end)
    return conditions

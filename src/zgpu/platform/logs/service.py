"""Reading request logs. Writing goes through ``RequestLogWriter`` (group commit)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session

from zgpu.platform.errors import InvalidArgument, NotFound
from zgpu.platform.logs.cursor import Position, decode_cursor, encode_cursor
from zgpu.platform.logs.models import RequestLog
from zgpu.platform.logs.query import LogFilter, Order, SortKey
from zgpu.platform.logs.repository import RequestLogRepository

MAX_PAGE = 1000


@dataclass(frozen=True, slots=True)
class LogPage:
    """One page of a listing. ``next_cursor`` continues it (``None`` when ``has_more`` is
    false)."""

    data: list[RequestLog]
    has_more: bool
    next_cursor: str | None


def list_logs(
    session: Session, project_id: uuid.UUID, limit: int = 50, before_id: int | None = None
) -> list[RequestLog]:
    """A page of a project's request logs, newest first.

    Pass the smallest ``id`` of a page as ``before_id`` to get the next one. Raises
    ``InvalidArgument`` unless ``1 <= limit <= 1000``.
    """
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidArgument(f"limit must be between 1 and {MAX_PAGE}", param="limit")
    return list(RequestLogRepository(session).list_for_project(project_id, limit, before_id))


def query_logs(
    session: Session,
    project_id: uuid.UUID,
    filters: LogFilter | None = None,
    *,
    sort: SortKey = SortKey.TIME,
    order: Order = Order.DESC,
    limit: int = 50,
    after: str | None = None,
) -> LogPage:
    """A page of the project's logs matching ``filters``, ordered by ``sort`` then row id.

    ``after`` is the ``next_cursor`` of the previous page (same sort and order). Walking every
    page yields each matching row exactly once, even while new rows are recorded. Raises
    ``InvalidArgument`` unless ``1 <= limit <= 1000``, or for a bad cursor (param ``after``).
    """
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidArgument(f"limit must be between 1 and {MAX_PAGE}", param="limit")
    position = decode_cursor(after, sort, order) if after is not None else None
    return fetch_page(session, project_id, filters or LogFilter(), sort, order, limit, position)


def fetch_page(
    session: Session,
    project_id: uuid.UUID,
    filters: LogFilter,
    sort: SortKey,
    order: Order,
    limit: int,
    after: Position | None,
) -> LogPage:
    """``query_logs`` with a decoded position and no page-size limit (exports use big pages)."""
    rows = RequestLogRepository(session).page(project_id, filters, sort, order, limit + 1, after)
    has_more = len(rows) > limit
    data = list(rows[:limit])
    next_cursor = None
    if has_more:
        last = data[-1]
        value = last.created_at if sort is SortKey.TIME else last.latency_ms
        next_cursor = encode_cursor(sort, order, Position(value, last.id))
    return LogPage(data=data, has_more=has_more, next_cursor=next_cursor)


def get_log(session: Session, project_id: uuid.UUID, request_id: str) -> RequestLog:
    """The project's log of ``request_id``; raises ``NotFound`` (param ``request_id``) when the
    project has no such request."""
    row = RequestLogRepository(session).get(project_id, request_id)
    if row is None:
        raise NotFound(f"no request {request_id!r} in this project", param="request_id")
    return row

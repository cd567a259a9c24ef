"""Reading request logs. Writing goes through ``RequestLogWriter`` (group commit)."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from zgpu.platform.errors import InvalidArgument
from zgpu.platform.logs.models import RequestLog
from zgpu.platform.logs.repository import RequestLogRepository

MAX_PAGE = 1000


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

"""Request logs: one row per authenticated request, and per-project retention."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, SmallInteger, String
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import Mapped, mapped_column

from zgpu.platform.db.base import Base
from zgpu.platform.db.types import utc_now

# SQLite auto-increments only an INTEGER PRIMARY KEY (the rowid); PostgreSQL gets a BIGINT.
_ROW_ID = BigInteger().with_variant(Integer(), "sqlite")


def _status_class(context: DefaultExecutionContext) -> int:
    status: int = context.get_current_parameters()["status"]  # type: ignore[no-untyped-call]
    return status // 100


class RequestLog(Base):
    """A served (or refused) request (``request_logs`` table).

    ``status_class`` is ``status // 100`` (4 for any 4xx), filled in on insert: it lets a class
    filter walk an index in time order. The indexes serve the Logs page: every listing is
    ``project_id = ?`` plus optional filters, in keyset order ``(created_at, id)``.
    """

    __tablename__ = "request_logs"
    __table_args__ = (
        CheckConstraint("route IN ('cloud', 'edge')", name="route"),
        Index(None, "project_id", "created_at", "id"),
        Index(None, "project_id", "status_class", "created_at", "id"),
        Index(None, "project_id", "latency_ms", "id"),
        Index(None, "api_key_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(_ROW_ID, primary_key=True, autoincrement=True)
    request_id: Mapped[str] = mapped_column(String(64), unique=True)
    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    api_key_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("api_keys.id", ondelete="SET NULL"), default=None
    )
    model: Mapped[str] = mapped_column(String(128))
    status: Mapped[int] = mapped_column(Integer)
    status_class: Mapped[int] = mapped_column(SmallInteger, default=_status_class)
    error_code: Mapped[str | None] = mapped_column(String(64), default=None)
    latency_ms: Mapped[float]
    input_tokens: Mapped[int] = mapped_column(Integer, default=0)
    output_tokens: Mapped[int] = mapped_column(Integer, default=0)
    served_by: Mapped[str | None] = mapped_column(String(128), default=None)
    route: Mapped[str | None] = mapped_column(String(8), default=None)
    region: Mapped[str | None] = mapped_column(String(64), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    def __repr__(self) -> str:
        return f"RequestLog(id={self.id}, request_id={self.request_id!r}, status={self.status})"


class LogRetention(Base):
    """How many days a project keeps its request logs (``log_retention``); projects without a
    row use the pruner's default."""

    __tablename__ = "log_retention"
    __table_args__ = (CheckConstraint("days >= 1", name="days_positive"),)

    project_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    days: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)

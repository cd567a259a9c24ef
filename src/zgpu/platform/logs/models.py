"""Request logs: one row per authenticated request."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from zgpu.platform.db.base import Base
from zgpu.platform.db.types import utc_now

# SQLite auto-increments only an INTEGER PRIMARY KEY (the rowid); PostgreSQL gets a BIGINT.
_ROW_ID = BigInteger().with_variant(Integer(), "sqlite")


class RequestLog(Base):
    """A served (or refused) request (``request_logs`` table)."""

    __tablename__ = "request_logs"
    __table_args__ = (
        CheckConstraint("route IN ('cloud', 'edge')", name="route"),
        Index(None, "project_id", "created_at"),
        Index(None, "api_key_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(_ROW_ID, primary_key=True, autoincrement=True)
    request_id: Mapped[str] = mapped_column(String(64), unique=True)
    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    api_key_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("api_keys.id", ondelete="SET NULL"), default=None
    )
    model: Mapped[str] = mapped_column(String(128))
    status: Mapped[int] = mapped_column(Integer)
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

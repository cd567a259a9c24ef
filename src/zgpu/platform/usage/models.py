"""Usage rollups: per project, key, model and time bucket, counters summed from request logs."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from zgpu.platform.db.base import Base

NO_KEY = uuid.UUID(int=0)
"""The ``api_key_id`` of rollups of requests made without a key (a primary key has no NULLs)."""

ERROR_STATUS = 400
"""Requests answered with this status or above count as errors."""


class UsageRollup(Base):
    """Counters of one ``(project, key, model)`` over one minute, hour or day (``usage_rollups``).

    ``bucket_start`` is the UTC start of the bucket; ``granularity`` its width. Counters only
    grow: the request log writer adds each committed batch in the same transaction.
    ``latency_us_sum`` is the sum of each request's latency rounded to whole microseconds, so
    sums stay exact integers whatever order they are added in.
    """

    __tablename__ = "usage_rollups"
    __table_args__ = (
        CheckConstraint("granularity IN ('minute', 'hour', 'day')", name="granularity"),
        {"sqlite_with_rowid": False},
    )

    project_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    granularity: Mapped[str] = mapped_column(String(6), primary_key=True)
    bucket_start: Mapped[datetime] = mapped_column(primary_key=True)
    api_key_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    model: Mapped[str] = mapped_column(String(128), primary_key=True)
    requests: Mapped[int] = mapped_column(BigInteger)
    errors: Mapped[int] = mapped_column(BigInteger)
    input_tokens: Mapped[int] = mapped_column(BigInteger)
    output_tokens: Mapped[int] = mapped_column(BigInteger)
    latency_us_sum: Mapped[int] = mapped_column(BigInteger)

    def __repr__(self) -> str:
        return (
            f"UsageRollup({self.granularity} {self.bucket_start.isoformat()} "
            f"project={self.project_id} model={self.model!r} requests={self.requests})"
        )

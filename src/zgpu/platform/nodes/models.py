"""Edge node tables: enrollment tokens and nodes (a project's edge policy is a column of
``projects``)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, Double, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from zgpu.platform.db.base import Base
from zgpu.platform.db.types import utc_now
from zgpu.platform.nodes.schemas import NODE_NAME_MAX, QUARANTINE_REASON_MAX


class EnrollmentToken(Base):
    """A one-time token that enrolls one node into an organization (``node_enrollment_tokens``).

    Only the SHA-256 of the secret is stored. ``used_at``/``node_id`` are set when it is spent.
    """

    __tablename__ = "node_enrollment_tokens"
    __table_args__ = (Index(None, "organization_id", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE")
    )
    name: Mapped[str] = mapped_column(String(NODE_NAME_MAX))
    prefix: Mapped[str] = mapped_column(String(32))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column(default=None)
    node_id: Mapped[str | None] = mapped_column(String(64), default=None)


class Node(Base):
    """An enrolled edge node (``nodes``). ``credential_hash`` is the SHA-256 of the credential
    the node received at enrollment; position and region are the last it announced."""

    __tablename__ = "nodes"
    __table_args__ = (
        Index(None, "organization_id", "created_at"),
        CheckConstraint("status IN ('active', 'revoked', 'quarantined')", name="status"),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE")
    )
    name: Mapped[str] = mapped_column(String(NODE_NAME_MAX))
    credential_hash: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="active")
    reputation: Mapped[float] = mapped_column(Double, default=1.0)
    quarantine_reason: Mapped[str | None] = mapped_column(
        String(QUARANTINE_REASON_MAX), default=None
    )
    checks: Mapped[int] = mapped_column(Integer, default=0)
    disagreements: Mapped[int] = mapped_column(Integer, default=0)
    lat: Mapped[float | None] = mapped_column(Double, default=None)
    lon: Mapped[float | None] = mapped_column(Double, default=None)
    region: Mapped[str | None] = mapped_column(String(32), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    last_seen_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)

    def __repr__(self) -> str:
        return f"Node(id={self.id!r}, organization_id={self.organization_id}, {self.status})"

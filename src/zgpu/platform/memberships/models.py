"""Memberships: a user's role in an organization."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from zgpu.platform.authz import MEMBER_ROLES
from zgpu.platform.db.base import Base
from zgpu.platform.db.types import utc_now

_ROLES = ", ".join(f"'{role.value}'" for role in MEMBER_ROLES)


class Membership(Base):
    """A user in an organization with one role (``memberships`` table)."""

    __tablename__ = "memberships"
    __table_args__ = (
        CheckConstraint(f"role IN ({_ROLES})", name="role"),
        UniqueConstraint("organization_id", "user_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE")
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    def __repr__(self) -> str:
        return f"Membership(org={self.organization_id}, user={self.user_id}, role={self.role!r})"

"""API keys: one project each, stored as a hash with a visible prefix and last 4 characters."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from zgpu.platform.db.base import Base
from zgpu.platform.db.types import utc_now
from zgpu.platform.keys.schemas import KEY_NAME_MAX, KeyStatus


class ApiKey(Base):
    """An API key (``api_keys`` table). ``secret_hash`` is the SHA-256 of the secret; the
    secret itself is never stored. ``created_by`` is the user who created it (``None`` for keys
    made by the operator's command line or an admin key, or whose creator was deleted)."""

    __tablename__ = "api_keys"
    __table_args__ = (Index(None, "project_id", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("projects.id", ondelete="RESTRICT"))
    name: Mapped[str] = mapped_column(String(KEY_NAME_MAX))
    prefix: Mapped[str] = mapped_column(String(32))
    last4: Mapped[str] = mapped_column(String(4))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    last_used_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    expires_at: Mapped[datetime | None] = mapped_column(default=None)

    def status_at(self, now: datetime) -> KeyStatus:
        """The key's status at ``now``: revoked wins over expired."""
        if self.revoked_at is not None:
            return KeyStatus.REVOKED
        if self.expires_at is not None and self.expires_at <= now:
            return KeyStatus.EXPIRED
        return KeyStatus.ACTIVE

    def __repr__(self) -> str:
        return f"ApiKey(id={self.id}, project_id={self.project_id}, name={self.name!r})"

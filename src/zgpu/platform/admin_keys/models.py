"""Organization admin keys: credentials for automating the management API."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from zgpu.platform.db.base import Base
from zgpu.platform.db.types import utc_now
from zgpu.platform.keys.schemas import KEY_NAME_MAX


class AdminKey(Base):
    """An admin key (``admin_keys`` table); ``secret_hash`` is the SHA-256 of the secret."""

    __tablename__ = "admin_keys"
    __table_args__ = (Index(None, "organization_id", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE")
    )
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

    def __repr__(self) -> str:
        return f"AdminKey(id={self.id}, organization_id={self.organization_id})"

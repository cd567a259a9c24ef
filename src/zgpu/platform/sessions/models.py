"""Server-side sessions of signed-in users."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from zgpu.platform.db.base import Base
from zgpu.platform.db.types import utc_now


class UserSession(Base):
    """A session (``sessions`` table). ``token_hash`` is the SHA-256 of the cookie value; the
    token itself is never stored. ``csrf_token`` is not a credential on its own (it is useless
    without the cookie), so it is kept as is to be handed back to the browser."""

    __tablename__ = "sessions"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    absolute_expires_at: Mapped[datetime]

    def __repr__(self) -> str:
        return f"UserSession(id={self.id}, user_id={self.user_id})"

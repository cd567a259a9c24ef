"""Users: people who sign in to manage organizations."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from zgpu.platform.db.base import Base
from zgpu.platform.db.types import utc_now
from zgpu.platform.users.schemas import EMAIL_MAX, USER_NAME_MAX


class User(Base):
    """A user (``users`` table). ``email`` is stored lower-cased and is unique;
    ``password_hash`` is an argon2id PHC string, never the password."""

    __tablename__ = "users"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    email: Mapped[str] = mapped_column(String(EMAIL_MAX), unique=True)
    name: Mapped[str] = mapped_column(String(USER_NAME_MAX))
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    def __repr__(self) -> str:
        return f"User(id={self.id}, email={self.email!r})"

"""Failed sign-in attempts, counted in the database so every gateway shares the limits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from zgpu.platform.db.base import Base
from zgpu.platform.db.types import utc_now

_ROW_ID = BigInteger().with_variant(Integer(), "sqlite")


class SigninAttempt(Base):
    """One failed sign-in (``signin_attempts`` table): the email tried and the client address."""

    __tablename__ = "signin_attempts"
    __table_args__ = (
        Index(None, "email", "attempted_at"),
        Index(None, "ip", "attempted_at"),
    )

    id: Mapped[int] = mapped_column(_ROW_ID, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String(254))
    ip: Mapped[str] = mapped_column(String(64))
    attempted_at: Mapped[datetime] = mapped_column(default=utc_now)

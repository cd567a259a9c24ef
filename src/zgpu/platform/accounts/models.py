"""Organizations: the owner of projects, and later of members, credit and billing."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from zgpu.platform.accounts.schemas import ORGANIZATION_NAME_MAX
from zgpu.platform.db.base import Base
from zgpu.platform.db.types import utc_now


class Organization(Base):
    """An organization (``organizations`` table)."""

    __tablename__ = "organizations"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(ORGANIZATION_NAME_MAX))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    def __repr__(self) -> str:
        return f"Organization(id={self.id}, name={self.name!r})"

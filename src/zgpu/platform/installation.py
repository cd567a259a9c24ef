"""The installation marker: one row saying this database has been set up.

Its fixed primary key is what makes first-run setup safe when several processes start at once:
each tries to insert the row in the transaction that creates the defaults, and the database
lets exactly one of them commit.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Integer
from sqlalchemy.orm import Mapped, Session, mapped_column

from zgpu.platform.db.base import Base
from zgpu.platform.db.integrity import flush_or_conflict
from zgpu.platform.db.types import utc_now

INSTALLATION_ROW_ID = 1


class Installation(Base):
    """The single row of the ``installation`` table."""

    __tablename__ = "installation"
    __table_args__ = (CheckConstraint("id = 1", name="singleton"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


def claim_installation(session: Session) -> Installation:
    """Insert the installation row in the session's transaction.

    Raises ``Conflict`` if another transaction already inserted it (on PostgreSQL this waits for
    that transaction to end first; on SQLite for the write lock).
    """
    row = Installation(id=INSTALLATION_ROW_ID)
    session.add(row)
    flush_or_conflict(session, "the database is already initialised")
    return row


def is_installed(session: Session) -> bool:
    """Whether the installation row exists."""
    return session.get(Installation, INSTALLATION_ROW_ID) is not None

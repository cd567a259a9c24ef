"""Storage of users: add, flush and query; never commit."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from zgpu.platform.db.integrity import flush_or_conflict
from zgpu.platform.users.models import User


class UserRepository:
    """User queries on one session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, user: User) -> User:
        """Stage and flush ``user``; raises ``Conflict`` if the email is taken."""
        self.session.add(user)
        flush_or_conflict(self.session, "an account with this email already exists", param="email")
        return user

    def get(self, user_id: uuid.UUID) -> User | None:
        """The user with this id, or ``None``."""
        return self.session.get(User, user_id)

    def by_email(self, email: str) -> User | None:
        """The user with this (already normalized) email, or ``None``."""
        return self.session.scalars(select(User).where(User.email == email)).first()

    def many(self, user_ids: Iterable[uuid.UUID]) -> Sequence[User]:
        """The users with these ids (unknown ids are skipped)."""
        ids = list(user_ids)
        if not ids:
            return []
        return self.session.scalars(select(User).where(User.id.in_(ids))).all()

    def flush(self) -> None:
        """Write pending changes to the transaction."""
        self.session.flush()

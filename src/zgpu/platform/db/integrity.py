"""Flushing with constraint violations translated into the platform's ``Conflict``."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from zgpu.platform.errors import Conflict


def flush_or_conflict(session: Session, message: str, *, param: str | None = None) -> None:
    """Flush ``session``; a uniqueness or foreign-key violation becomes ``Conflict(message)``.

    After a ``Conflict`` the transaction is unusable: let it propagate so the unit of work rolls
    back.
    """
    try:
        session.flush()
    except IntegrityError as exc:
        raise Conflict(message, param=param) from exc

"""Session operations: start (sign-in), resolve (each request), end (sign-out).

The token is 256 random bits (``secrets.token_urlsafe(32)``); only its SHA-256 is stored, so a
copy of the database cannot be replayed as cookies. Callers pass a session and commit it.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from zgpu.platform.db.types import utc_now
from zgpu.platform.errors import Unauthenticated
from zgpu.platform.sessions.models import UserSession
from zgpu.platform.sessions.schemas import ActiveSession, NewSession, SessionPolicy

_EXPIRED = "Your session has expired or ended: sign in again."


def hash_token(token: str) -> str:
    """The stored form of a session token: SHA-256, lowercase hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(
    session: Session, user_id: uuid.UUID, policy: SessionPolicy, now: datetime | None = None
) -> NewSession:
    """Start a session for ``user_id``; the returned token goes into the cookie, once."""
    now = now or utc_now()
    token = secrets.token_urlsafe(32)
    row = UserSession(
        user_id=user_id,
        token_hash=hash_token(token),
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        expires_at=min(now + policy.idle, now + policy.absolute),
        absolute_expires_at=now + policy.absolute,
    )
    session.add(row)
    session.flush()
    return NewSession(row.id, user_id, token, row.csrf_token, row.expires_at)


def resolve_session(
    session: Session, token: str, policy: SessionPolicy, now: datetime | None = None
) -> ActiveSession:
    """The live session of ``token``, its idle expiry moved forward when due.

    Raises ``Unauthenticated`` (code ``session_expired``) for an unknown, ended or expired
    token; an expired row is deleted.
    """
    now = now or utc_now()
    row = session.scalars(
        select(UserSession).where(UserSession.token_hash == hash_token(token))
    ).first()
    if row is None:
        raise Unauthenticated(_EXPIRED, code="session_expired")
    if row.expires_at <= now:
        session.delete(row)
        session.flush()
        raise Unauthenticated(_EXPIRED, code="session_expired")
    slid = min(now + policy.idle, row.absolute_expires_at)
    if slid - row.expires_at >= policy.refresh_every:
        row.expires_at = slid
        session.flush()
    return ActiveSession(row.id, row.user_id, row.csrf_token, row.expires_at)


def end_session(session: Session, session_id: uuid.UUID) -> None:
    """End a session (sign-out); ending an ended session changes nothing."""
    session.execute(delete(UserSession).where(UserSession.id == session_id))


def end_user_sessions(session: Session, user_id: uuid.UUID) -> int:
    """End every session of a user (e.g. after a password change); returns how many."""
    result = session.execute(delete(UserSession).where(UserSession.user_id == user_id))
    return int(getattr(result, "rowcount", 0) or 0)


def prune_expired_sessions(session: Session, now: datetime | None = None) -> int:
    """Delete expired sessions; returns how many."""
    result = session.execute(
        delete(UserSession).where(UserSession.expires_at <= (now or utc_now()))
    )
    return int(getattr(result, "rowcount", 0) or 0)

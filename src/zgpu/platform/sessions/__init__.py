"""Server-side sessions: hashed tokens, sliding and absolute expiry, a CSRF token each."""

from zgpu.platform.sessions.models import UserSession
from zgpu.platform.sessions.schemas import ActiveSession, NewSession, SessionPolicy
from zgpu.platform.sessions.service import (
    end_session,
    end_user_sessions,
    prune_expired_sessions,
    resolve_session,
    start_session,
)

__all__ = [
    "ActiveSession",
    "NewSession",
    "SessionPolicy",
    "UserSession",
    "end_session",
    "end_user_sessions",
    "prune_expired_sessions",
    "resolve_session",
    "start_session",
]

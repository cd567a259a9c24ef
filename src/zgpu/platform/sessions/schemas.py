"""Session values: the lifetime policy and what the services return."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class SessionPolicy:
    """How long sessions live.

    A session expires ``idle`` after its last use (sliding), and never later than ``absolute``
    after sign-in. The stored expiry is moved forward at most once per ``refresh_every``, so
    busy sessions do not write on every request.
    """

    idle: timedelta = timedelta(days=14)
    absolute: timedelta = timedelta(days=30)
    refresh_every: timedelta = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class NewSession:
    """A session just started. ``token`` is the only copy of the cookie value."""

    session_id: uuid.UUID
    user_id: uuid.UUID
    token: str = field(repr=False)
    csrf_token: str = field(repr=False)
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class ActiveSession:
    """A valid session, as found from its token."""

    session_id: uuid.UUID
    user_id: uuid.UUID
    csrf_token: str = field(repr=False)
    expires_at: datetime

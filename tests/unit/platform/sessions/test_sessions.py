"""Sessions: hashed tokens, sliding and absolute expiry, CSRF tokens, sign-out."""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from zgpu.platform.db import Database, utc_now
from zgpu.platform.errors import Unauthenticated
from zgpu.platform.sessions import (
    SessionPolicy,
    UserSession,
    end_session,
    resolve_session,
    start_session,
)
from zgpu.platform.users import PasswordHashing, create_user

POLICY = SessionPolicy(idle=timedelta(days=14), absolute=timedelta(days=30))


@pytest.fixture
def user_id(db: Database) -> uuid.UUID:
    hashing = PasswordHashing(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    with db.session() as session:
        return create_user(session, hashing, "s@example.com", "long-enough-pass", "S").id


def test_only_the_hash_of_the_token_is_stored(db: Database, user_id: uuid.UUID) -> None:
    with db.session() as session:
        new = start_session(session, user_id, POLICY)
    with db.session() as session:
        row = session.scalars(select(UserSession)).one()
    assert row.token_hash == hashlib.sha256(new.token.encode()).hexdigest()
    assert new.token not in (row.token_hash, row.csrf_token)
    with db.session() as session:
        active = resolve_session(session, new.token, POLICY)
    assert (active.user_id, active.csrf_token) == (user_id, new.csrf_token)


def test_sliding_then_absolute_expiry(db: Database, user_id: uuid.UUID) -> None:
    start = utc_now()
    with db.session() as session:
        new = start_session(session, user_id, POLICY, now=start)
    day = timedelta(days=1)
    for days in (10, 20):  # each use within 14 days moves the expiry on
        with db.session() as session:
            active = resolve_session(session, new.token, POLICY, now=start + days * day)
        assert active.expires_at == min(start + (days + 14) * day, start + 30 * day)
    with db.session() as session:
        resolve_session(session, new.token, POLICY, now=start + 29 * day)
    with pytest.raises(Unauthenticated), db.session() as session:
        resolve_session(session, new.token, POLICY, now=start + 30 * day + timedelta(seconds=1))


def test_idle_sessions_expire(db: Database, user_id: uuid.UUID) -> None:
    start = utc_now()
    with db.session() as session:
        new = start_session(session, user_id, POLICY, now=start)
    with pytest.raises(Unauthenticated), db.session() as session:
        resolve_session(session, new.token, POLICY, now=start + timedelta(days=15))


def test_ended_and_unknown_sessions_fail(db: Database, user_id: uuid.UUID) -> None:
    with db.session() as session:
        new = start_session(session, user_id, POLICY)
        end_session(session, new.session_id)
    for token in (new.token, "made-up"):
        with pytest.raises(Unauthenticated) as caught, db.session() as session:
            resolve_session(session, token, POLICY)
        assert caught.value.code == "session_expired"

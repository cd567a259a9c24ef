"""Failed sign-ins are counted per account and per address, in a sliding window."""

from __future__ import annotations

from datetime import timedelta

import pytest

from zgpu.platform.db import Database, utc_now
from zgpu.platform.errors import RateLimited
from zgpu.platform.signin_limits import (
    SigninLimits,
    check_signin_allowed,
    clear_account_failures,
    record_failed_signin,
)

LIMITS = SigninLimits(per_account=3, per_ip=5, window=timedelta(minutes=15))


def test_account_limit_and_retry_after(db: Database) -> None:
    start = utc_now()
    with db.session() as session:
        for i in range(3):
            check_signin_allowed(session, "a@example.com", "10.0.0.1", LIMITS, start)
            record_failed_signin(
                session, "A@example.com", "10.0.0.1", LIMITS, start + timedelta(minutes=i)
            )
    later = start + timedelta(minutes=5)
    with pytest.raises(RateLimited) as caught, db.session() as session:
        check_signin_allowed(session, "a@example.com", "10.9.9.9", LIMITS, later)
    assert caught.value.retry_after_s == pytest.approx(10 * 60)  # the first failure ages out
    with db.session() as session:
        check_signin_allowed(session, "b@example.com", "10.0.0.1", LIMITS, later)
        check_signin_allowed(
            session, "a@example.com", "10.0.0.1", LIMITS, start + timedelta(minutes=15, seconds=1)
        )
        clear_account_failures(session, "a@example.com")
        check_signin_allowed(session, "a@example.com", "10.0.0.1", LIMITS, later)


def test_address_limit(db: Database) -> None:
    now = utc_now()
    with db.session() as session:
        for i in range(5):
            record_failed_signin(session, f"u{i}@example.com", "10.0.0.2", LIMITS, now)
    with pytest.raises(RateLimited), db.session() as session:
        check_signin_allowed(session, "new@example.com", "10.0.0.2", LIMITS, now)
    with db.session() as session:
        check_signin_allowed(session, "new@example.com", "10.0.0.3", LIMITS, now)

"""Slowing brute force: failed sign-ins counted per account and per client address.

``check_signin_allowed`` runs before the password is checked (so a limited caller costs no
hashing), ``record_failed_signin`` after a wrong password, ``clear_account_failures`` after a
success. The counts live in the database, so all gateways share them. Two attempts racing at
the limit may both pass; the limit holds to within the number of concurrent requests.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, delete, func, or_, select
from sqlalchemy.orm import Session

from zgpu.platform.db.types import utc_now
from zgpu.platform.errors import RateLimited
from zgpu.platform.signin_limits.models import SigninAttempt
from zgpu.platform.signin_limits.schemas import SigninLimits

_EMAIL_MAX = 254
_IP_MAX = 64


def _email_key(email: str) -> str:
    return email.strip().lower()[:_EMAIL_MAX]


def _retry_after(
    session: Session, where: ColumnElement[bool], limit: int, limits: SigninLimits, now: datetime
) -> float | None:
    """Seconds until fewer than ``limit`` failures match ``where`` in the window, or ``None``
    when there already are fewer."""
    since = now - limits.window
    in_window = (where, SigninAttempt.attempted_at > since)
    count = int(session.scalar(select(func.count()).where(*in_window)) or 0)
    if count < limit:
        return None
    ages_out = session.scalar(
        select(SigninAttempt.attempted_at)
        .where(*in_window)
        .order_by(SigninAttempt.attempted_at)
        .offset(count - limit)
        .limit(1)
    )
    if ages_out is None:
        return limits.window.total_seconds()
    return max((ages_out + limits.window - now).total_seconds(), 1.0)


def check_signin_allowed(
    session: Session, email: str, ip: str, limits: SigninLimits, now: datetime | None = None
) -> None:
    """Return when a sign-in for ``email`` from ``ip`` may be tried now.

    Raises ``RateLimited`` (code ``too_many_signin_attempts``, with ``retry_after_s``) when the
    account or the address has reached its limit.
    """
    now = now or utc_now()
    waits = [
        _retry_after(
            session, SigninAttempt.email == _email_key(email), limits.per_account, limits, now
        ),
        _retry_after(session, SigninAttempt.ip == ip[:_IP_MAX], limits.per_ip, limits, now),
    ]
    longest = max((w for w in waits if w is not None), default=None)
    if longest is not None:
        raise RateLimited(
            f"Too many failed sign-ins: try again in {int(longest + 0.999)} seconds.",
            retry_after_s=longest,
            code="too_many_signin_attempts",
        )


def record_failed_signin(
    session: Session, email: str, ip: str, limits: SigninLimits, now: datetime | None = None
) -> None:
    """Count one failed sign-in, and forget this account's and address's aged-out failures."""
    now = now or utc_now()
    email_key, ip_key = _email_key(email), ip[:_IP_MAX]
    session.execute(
        delete(SigninAttempt).where(
            or_(SigninAttempt.email == email_key, SigninAttempt.ip == ip_key),
            SigninAttempt.attempted_at <= now - limits.window,
        )
    )
    session.add(SigninAttempt(email=email_key, ip=ip_key, attempted_at=now))
    session.flush()


def clear_account_failures(session: Session, email: str) -> None:
    """Forget the failed sign-ins of an account (after it signed in successfully)."""
    session.execute(delete(SigninAttempt).where(SigninAttempt.email == _email_key(email)))

"""The sign-in limits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True, slots=True)
class SigninLimits:
    """At most ``per_account`` failed sign-ins per email and ``per_ip`` per client address
    within any ``window``; beyond that, sign-in is refused until the oldest failure ages out."""

    per_account: int = 5
    per_ip: int = 20
    window: timedelta = timedelta(minutes=15)

"""Sign-in limits: failed attempts per account and per address, shared through the database."""

from zgpu.platform.signin_limits.models import SigninAttempt
from zgpu.platform.signin_limits.schemas import SigninLimits
from zgpu.platform.signin_limits.service import (
    check_signin_allowed,
    clear_account_failures,
    record_failed_signin,
)

__all__ = [
    "SigninAttempt",
    "SigninLimits",
    "check_signin_allowed",
    "clear_account_failures",
    "record_failed_signin",
]

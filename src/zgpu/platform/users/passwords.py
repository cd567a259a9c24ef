"""Passwords: the strength rules and their argon2id hashes.

A password is accepted when it

- has at least ``PASSWORD_MIN`` (10) and at most ``PASSWORD_MAX`` characters,
- is not one of the ``COMMON_PASSWORDS`` (compared case-insensitively), and
- does not contain the local part of the user's email (the part before ``@``, when it has 3 or
  more characters), case-insensitively.

Hashes are argon2id in the PHC string format with argon2-cffi's defaults (RFC 9106 low-memory
profile: t=3, m=64 MiB, p=4); ``needs_rehash`` tells when stored parameters are outdated.
"""

from __future__ import annotations

from typing import Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from zgpu.platform.errors import InvalidArgument
from zgpu.platform.users.schemas import PASSWORD_MAX, PASSWORD_MIN

COMMON_PASSWORDS: Final = frozenset(
    {
        "1234567890",
        "12345678910",
        "0123456789",
        "1111111111",
        "0000000000",
        "1q2w3e4r5t",
        "1qaz2wsx3edc",
        "qwertyuiop",
        "qwerty1234",
        "qwerty12345",
        "asdfghjkl1",
        "zxcvbnm123",
        "password12",
        "password123",
        "password1234",
        "passw0rd123",
        "iloveyou12",
        "letmein123",
        "welcome123",
        "changeme123",
        "administrator",
        "admin12345",
        "football12",
        "baseball12",
        "sunshine12",
        "princess12",
        "dragon1234",
        "monkey1234",
        "trustno1234",
        "abcdefghij",
        "abc1234567",
        "superman12",
        "starwars12",
        "correcthorsebatterystaple",
        "zerogpu123",
        "zerogpu1234",
    }
)
"""Passwords refused outright, however long: the most guessed ones of 10+ characters."""


def check_password_strength(password: str, email: str) -> None:
    """Return when ``password`` satisfies the rules above for a user with ``email``.

    Raises ``InvalidArgument`` with ``param="password"`` and a message saying which rule failed
    (the message never quotes the password).
    """
    if len(password) < PASSWORD_MIN:
        raise InvalidArgument(
            f"password must be at least {PASSWORD_MIN} characters long",
            code="weak_password",
            param="password",
        )
    if len(password) > PASSWORD_MAX:
        raise InvalidArgument(
            f"password must be at most {PASSWORD_MAX} characters long",
            code="weak_password",
            param="password",
        )
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS:
        raise InvalidArgument(
            "password is too common; choose another one", code="weak_password", param="password"
        )
    local = email.partition("@")[0].lower()
    if len(local) >= 3 and local in lowered:
        raise InvalidArgument(
            "password must not contain your email address", code="weak_password", param="password"
        )


class PasswordHashing:
    """argon2id hashing and verification (parameters fixed at construction)."""

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher if hasher is not None else PasswordHasher()
        self._dummy = self._hasher.hash("an unused password for timing")

    def hash(self, password: str) -> str:
        """The argon2id PHC string of ``password`` (a fresh random salt each time)."""
        return self._hasher.hash(password)

    def verify(self, stored_hash: str | None, password: str) -> bool:
        """Whether ``password`` matches ``stored_hash``.

        With ``stored_hash=None`` (no such user) a dummy hash is checked, so the answer takes
        as long as for a real user. Never raises for a wrong password or a corrupt hash.
        """
        try:
            return self._hasher.verify(stored_hash or self._dummy, password) and bool(stored_hash)
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored_hash: str) -> bool:
        """Whether ``stored_hash`` was made with other parameters than the current ones."""
        return self._hasher.check_needs_rehash(stored_hash)

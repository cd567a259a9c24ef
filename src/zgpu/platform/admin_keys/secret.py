"""The admin key secret: ``zgpu-admin-`` and 43 URL-safe characters (256 random bits).

Stored like API keys: only the SHA-256 digest, the visible prefix and the last 4 characters
(see ``zgpu.platform.keys.secret`` for why a fast digest is right for random secrets).
"""

from __future__ import annotations

import re
import secrets
from typing import Final

from zgpu.platform.keys.secret import hash_secret

ADMIN_KEY_PREFIX: Final = "zgpu-admin-"
"""Every admin key starts with this; inference keys never do."""

_RANDOM_CHARS = 43
_FORMAT = re.compile(rf"{re.escape(ADMIN_KEY_PREFIX)}[A-Za-z0-9_-]{{{_RANDOM_CHARS}}}")

__all__ = ["ADMIN_KEY_PREFIX", "generate", "hash_secret", "is_well_formed", "last4", "prefix"]


def generate() -> str:
    """A new random admin key secret."""
    return ADMIN_KEY_PREFIX + secrets.token_urlsafe(32)


def is_well_formed(secret: str) -> bool:
    """Whether ``secret`` has the shape of an admin key."""
    return _FORMAT.fullmatch(secret) is not None


def prefix(secret: str) -> str:
    """The part that may be shown again: ``zgpu-admin-`` and 4 characters."""
    return secret[: len(ADMIN_KEY_PREFIX) + 4]


def last4(secret: str) -> str:
    """The last 4 characters, which may be shown again."""
    return secret[-4:]

"""The API key secret: its format, its stored hash and its masked form.

A secret is ``zgpu-api-`` followed by 43 URL-safe characters (``secrets.token_urlsafe(32)``,
256 random bits). Only its SHA-256 digest is stored. A slow password hash (argon2, bcrypt) buys
nothing here: it exists to make guessing low-entropy passwords expensive, and a 256-bit random
secret cannot be guessed. A fast, unsalted digest keeps authentication one indexed lookup.
"""

from __future__ import annotations

import hashlib
import re
import secrets

KEY_PREFIX = "zgpu-api-"
"""Every key starts with this (existing clients check for it)."""

RANDOM_BYTES = 32
_RANDOM_CHARS = 43  # len(secrets.token_urlsafe(32))
_VISIBLE_HEAD = 4
_VISIBLE_TAIL = 4
_FORMAT = re.compile(rf"{re.escape(KEY_PREFIX)}[A-Za-z0-9_-]{{{_RANDOM_CHARS}}}")


def generate_secret() -> str:
    """A new random key secret."""
    return KEY_PREFIX + secrets.token_urlsafe(RANDOM_BYTES)


def is_well_formed(secret: str) -> bool:
    """Whether ``secret`` has the shape of a key this platform issues."""
    return _FORMAT.fullmatch(secret) is not None


def hash_secret(secret: str) -> str:
    """The stored form of ``secret``: its SHA-256 digest in lowercase hex (64 characters)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def visible_prefix(secret: str) -> str:
    """The start of the key that may be shown again: ``zgpu-api-`` and 4 characters."""
    return secret[: len(KEY_PREFIX) + _VISIBLE_HEAD]


def last4(secret: str) -> str:
    """The last 4 characters of the key, which may be shown again."""
    return secret[-_VISIBLE_TAIL:]


def mask(prefix: str, tail: str) -> str:
    """The masked form shown after creation, e.g. ``zgpu-api-ab12…9xyz``."""
    return f"{prefix}…{tail}"

"""Enrollment tokens and node credentials: random secrets stored only as SHA-256 digests.

An enrollment token is ``zgpu-enroll-`` + 43 URL-safe characters; a node credential is
``zgpu-node-`` + 43. Both carry 256 random bits, so a fast unsalted digest is enough (see
``zgpu.platform.keys.secret``). Node ids are ``n`` + 20 lowercase hex characters: valid NATS
subject tokens.
"""

from __future__ import annotations

import hashlib
import re
import secrets

TOKEN_PREFIX = "zgpu-enroll-"
CREDENTIAL_PREFIX = "zgpu-node-"
_RANDOM_CHARS = 43
_TOKEN = re.compile(rf"{re.escape(TOKEN_PREFIX)}[A-Za-z0-9_-]{{{_RANDOM_CHARS}}}")
_CREDENTIAL = re.compile(rf"{re.escape(CREDENTIAL_PREFIX)}[A-Za-z0-9_-]{{{_RANDOM_CHARS}}}")


def new_token() -> str:
    """A new enrollment token secret."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def new_credential() -> str:
    """A new node credential secret."""
    return CREDENTIAL_PREFIX + secrets.token_urlsafe(32)


def new_node_id() -> str:
    """A new node id: ``n`` and 20 hex characters."""
    return "n" + secrets.token_hex(10)


def is_token(text: str) -> bool:
    """Whether ``text`` has the shape of an enrollment token."""
    return _TOKEN.fullmatch(text) is not None


def is_credential(text: str) -> bool:
    """Whether ``text`` has the shape of a node credential."""
    return _CREDENTIAL.fullmatch(text) is not None


def digest(secret: str) -> str:
    """The stored form of a secret: SHA-256, lowercase hex."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def visible_prefix(secret: str) -> str:
    """The part of a token that may be shown again (prefix and 4 characters)."""
    return secret[: len(TOKEN_PREFIX) + 4]

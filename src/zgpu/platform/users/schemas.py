"""User values: limits and the password rules."""

from __future__ import annotations

from typing import Final

EMAIL_MAX: Final = 254
"""Longest email address, in characters (RFC 5321 path limit)."""
USER_NAME_MAX: Final = 200
"""Longest display name, in characters."""
PASSWORD_MIN: Final = 10
"""Shortest password accepted, in characters."""
PASSWORD_MAX: Final = 1024
"""Longest password accepted, in characters (bounds hashing work)."""

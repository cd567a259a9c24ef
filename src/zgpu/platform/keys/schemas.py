"""Values the key services return. None of them except ``CreatedKey`` holds the secret."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

KEY_NAME_MAX = 200
"""Longest key name, in characters."""


class KeyStatus(StrEnum):
    """Whether a key can authenticate."""

    ACTIVE = "active"
    REVOKED = "revoked"
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class CreatedKey:
    """A key just created. ``secret`` is the only copy: it is never stored or shown again."""

    id: uuid.UUID
    project_id: uuid.UUID
    name: str
    secret: str = field(repr=False)
    masked: str
    created_at: datetime
    expires_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class KeyInfo:
    """A key as listed: identified by its masked form, never by its secret."""

    id: uuid.UUID
    project_id: uuid.UUID
    name: str
    masked: str
    status: KeyStatus
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None
    created_by: uuid.UUID | None


@dataclass(frozen=True, slots=True)
class AuthenticatedKey:
    """Who a valid key speaks for."""

    key_id: uuid.UUID
    project_id: uuid.UUID
    organization_id: uuid.UUID
    project_archived: bool

"""Values the admin key services return; only ``CreatedAdminKey`` holds the secret."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class CreatedAdminKey:
    """An admin key just created; ``secret`` is the only copy."""

    id: uuid.UUID
    organization_id: uuid.UUID
    name: str
    secret: str = field(repr=False)
    masked: str
    created_at: datetime
    created_by: uuid.UUID | None


@dataclass(frozen=True, slots=True)
class AdminKeyInfo:
    """An admin key as listed (masked)."""

    id: uuid.UUID
    organization_id: uuid.UUID
    name: str
    masked: str
    created_at: datetime
    created_by: uuid.UUID | None
    last_used_at: datetime | None
    revoked_at: datetime | None

    @property
    def status(self) -> str:
        """``"active"`` or ``"revoked"``."""
        return "revoked" if self.revoked_at is not None else "active"


@dataclass(frozen=True, slots=True)
class AdminKeyIdentity:
    """Who a valid admin key speaks for."""

    key_id: uuid.UUID
    organization_id: uuid.UUID

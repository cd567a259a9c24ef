"""Values the membership services return."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from zgpu.platform.authz import Role


@dataclass(frozen=True, slots=True)
class MemberInfo:
    """A member of an organization, as listed."""

    user_id: uuid.UUID
    email: str
    name: str
    role: Role
    added_at: datetime


@dataclass(frozen=True, slots=True)
class OrganizationRole:
    """One organization of a user, with the user's role there."""

    organization_id: uuid.UUID
    name: str
    role: Role
    created_at: datetime

"""Values the node services return; none holds a stored secret except the one-time results."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

NODE_NAME_MAX = 200
"""Longest node or token name, in characters."""

QUARANTINE_REASON_MAX = 500
"""Longest stored quarantine reason, in characters."""


class NodeState(StrEnum):
    """Whether a node may serve: ``active``, ``quarantined`` (failed verification; an operator
    may reinstate it) or ``revoked`` (for good)."""

    ACTIVE = "active"
    REVOKED = "revoked"
    QUARANTINED = "quarantined"


class TokenStatus(StrEnum):
    """Whether an enrollment token can still enroll a node."""

    UNUSED = "unused"
    USED = "used"
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class CreatedToken:
    """An enrollment token just created. ``secret`` is its only copy."""

    id: uuid.UUID
    organization_id: uuid.UUID
    name: str
    secret: str = field(repr=False)
    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """An enrollment token as listed (never its secret)."""

    id: uuid.UUID
    organization_id: uuid.UUID
    name: str
    prefix: str
    status: TokenStatus
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None
    node_id: str | None


@dataclass(frozen=True, slots=True)
class EnrolledNode:
    """A node just enrolled: its id and credential secret, shown to the node only once."""

    node_id: str
    organization_id: uuid.UUID
    name: str
    credential: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class NodeInfo:
    """A node as operators see it."""

    id: str
    organization_id: uuid.UUID
    name: str
    status: NodeState
    reputation: float
    quarantine_reason: str | None
    lat: float | None
    lon: float | None
    region: str | None
    created_at: datetime
    last_seen_at: datetime | None
    checks: int
    disagreements: int


@dataclass(frozen=True, slots=True)
class NodeTrust:
    """A node's standing after a verification check."""

    status: str
    reputation: float
    quarantine_reason: str | None


@dataclass(frozen=True, slots=True)
class ReputationRule:
    """How checks move reputation (new nodes start at 1.0): ``penalty`` per disagreement,
    ``reward`` per agreement (capped at 1), quarantine below ``quarantine_below``."""

    penalty: float = 0.25
    reward: float = 0.01
    quarantine_below: float = 0.6

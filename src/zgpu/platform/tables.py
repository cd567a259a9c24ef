"""Every platform table, registered on one ``MetaData`` (what migrations are checked against)."""

from __future__ import annotations

from sqlalchemy import MetaData

from zgpu.platform.accounts.models import Organization
from zgpu.platform.admin_keys.models import AdminKey
from zgpu.platform.billing.models import (
    AutoRechargeState,
    Charge,
    LedgerEntry,
    ModelPrice,
    PaymentMethod,
    UsageCharge,
)
from zgpu.platform.db.base import Base
from zgpu.platform.installation import Installation
from zgpu.platform.keys.models import ApiKey
from zgpu.platform.logs.models import LogRetention, RequestLog
from zgpu.platform.memberships.models import Membership
from zgpu.platform.nodes.models import EnrollmentToken, Node
from zgpu.platform.projects.models import Project
from zgpu.platform.sessions.models import UserSession
from zgpu.platform.signin_limits.models import SigninAttempt
from zgpu.platform.usage.models import UsageRollup
from zgpu.platform.users.models import User

MODELS: tuple[type[Base], ...] = (
    Installation,
    Organization,
    Project,
    ApiKey,
    RequestLog,
    User,
    Membership,
    UserSession,
    AdminKey,
    SigninAttempt,
    LogRetention,
    UsageRollup,
    EnrollmentToken,
    Node,
    ModelPrice,
    UsageCharge,
    LedgerEntry,
    PaymentMethod,
    Charge,
    AutoRechargeState,
)
"""The mapped classes, in dependency order."""

metadata: MetaData = Base.metadata
"""The metadata holding every table above."""

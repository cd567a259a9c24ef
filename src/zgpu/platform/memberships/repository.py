"""Storage of memberships: add, flush and query; never commit."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zgpu.platform.accounts.models import Organization
from zgpu.platform.authz import Role
from zgpu.platform.db.integrity import flush_or_conflict
from zgpu.platform.memberships.models import Membership
from zgpu.platform.users.models import User


class MembershipRepository:
    """Membership queries on one session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, membership: Membership) -> Membership:
        """Stage and flush; raises ``Conflict`` if the user is already a member."""
        self.session.add(membership)
        flush_or_conflict(self.session, "the user is already a member", param="email")
        return membership

    def get(self, organization_id: uuid.UUID, user_id: uuid.UUID) -> Membership | None:
        """The membership of ``user_id`` in ``organization_id``, or ``None``."""
        stmt = select(Membership).where(
            Membership.organization_id == organization_id, Membership.user_id == user_id
        )
        return self.session.scalars(stmt).first()

    def of_user(self, user_id: uuid.UUID) -> Sequence[tuple[Organization, str]]:
        """The user's organizations with their role, oldest membership first."""
        stmt = (
            select(Organization, Membership.role)
            .join(Membership, Membership.organization_id == Organization.id)
            .where(Membership.user_id == user_id)
            .order_by(Membership.created_at, Membership.id)
        )
        return [(org, role) for org, role in self.session.execute(stmt).all()]

    def roles_of_user(self, user_id: uuid.UUID) -> dict[uuid.UUID, str]:
        """Organization id → role, for every organization of the user."""
        stmt = select(Membership.organization_id, Membership.role).where(
            Membership.user_id == user_id
        )
        return {org_id: role for org_id, role in self.session.execute(stmt).all()}

    def members(self, organization_id: uuid.UUID) -> Sequence[tuple[Membership, User]]:
        """The organization's memberships with their users, oldest first."""
        stmt = (
            select(Membership, User)
            .join(User, User.id == Membership.user_id)
            .where(Membership.organization_id == organization_id)
            .order_by(Membership.created_at, Membership.id)
        )
        return [(m, u) for m, u in self.session.execute(stmt).all()]

    def count_owners(self, organization_id: uuid.UUID) -> int:
        """How many owners the organization has."""
        stmt = select(func.count()).where(
            Membership.organization_id == organization_id, Membership.role == Role.OWNER.value
        )
        return int(self.session.scalar(stmt) or 0)

    def lock_organization(self, organization_id: uuid.UUID) -> None:
        """Lock the organization row until the transaction ends (PostgreSQL; SQLite serializes
        writers anyway), so owner counts cannot race."""
        stmt = select(Organization.id).where(Organization.id == organization_id).with_for_update()
        self.session.execute(stmt)

    def delete(self, membership: Membership) -> None:
        """Delete ``membership`` and flush."""
        self.session.delete(membership)
        self.session.flush()

    def flush(self) -> None:
        """Write pending changes to the transaction."""
        self.session.flush()

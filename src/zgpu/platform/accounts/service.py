"""Organization operations. Callers pass a session and commit it (unit of work)."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from zgpu.platform.accounts.models import Organization
from zgpu.platform.accounts.repository import OrganizationRepository
from zgpu.platform.accounts.schemas import ORGANIZATION_NAME_MAX
from zgpu.platform.authz import Role
from zgpu.platform.errors import NotFound
from zgpu.platform.memberships.models import Membership
from zgpu.platform.memberships.repository import MembershipRepository
from zgpu.platform.memberships.schemas import OrganizationRole
from zgpu.platform.memberships.service import organizations_of_user
from zgpu.platform.names import clean_name


def create_organization(
    session: Session, name: str, owner_id: uuid.UUID | None = None
) -> Organization:
    """Create an organization named ``name`` (stripped); ``owner_id``, when given, becomes its
    first owner.

    Raises ``InvalidArgument`` for an empty or over-long name and ``Conflict`` when the owner
    does not exist.
    """
    cleaned = clean_name(name, param="name", max_length=ORGANIZATION_NAME_MAX)
    organization = OrganizationRepository(session).add(Organization(name=cleaned))
    if owner_id is not None:
        MembershipRepository(session).add(
            Membership(organization_id=organization.id, user_id=owner_id, role=Role.OWNER.value)
        )
    return organization


def rename_organization(session: Session, organization_id: uuid.UUID, name: str) -> Organization:
    """Rename an organization; raises ``NotFound`` or ``InvalidArgument`` (param ``name``)."""
    organization = get_organization(session, organization_id)
    organization.name = clean_name(name, param="name", max_length=ORGANIZATION_NAME_MAX)
    session.flush()
    return organization


def list_user_organizations(session: Session, user_id: uuid.UUID) -> list[OrganizationRole]:
    """The organizations ``user_id`` belongs to, with their role, oldest membership first."""
    return organizations_of_user(session, user_id)


def list_organizations(session: Session) -> list[Organization]:
    """Every organization, oldest first."""
    return list(OrganizationRepository(session).list())


def get_organization(session: Session, organization_id: uuid.UUID) -> Organization:
    """The organization with this id; raises ``NotFound`` when there is none."""
    organization = OrganizationRepository(session).get(organization_id)
    if organization is None:
        raise NotFound(f"organization {organization_id} not found", param="organization_id")
    return organization

"""Organization operations. Callers pass a session and commit it (unit of work)."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from zgpu.platform.accounts.models import Organization
from zgpu.platform.accounts.repository import OrganizationRepository
from zgpu.platform.accounts.schemas import ORGANIZATION_NAME_MAX
from zgpu.platform.errors import NotFound
from zgpu.platform.names import clean_name


def create_organization(session: Session, name: str) -> Organization:
    """Create an organization named ``name`` (stripped).

    Raises ``InvalidArgument`` for an empty or over-long name.
    """
    cleaned = clean_name(name, param="name", max_length=ORGANIZATION_NAME_MAX)
    return OrganizationRepository(session).add(Organization(name=cleaned))


def list_organizations(session: Session) -> list[Organization]:
    """Every organization, oldest first."""
    return list(OrganizationRepository(session).list())


def get_organization(session: Session, organization_id: uuid.UUID) -> Organization:
    """The organization with this id; raises ``NotFound`` when there is none."""
    organization = OrganizationRepository(session).get(organization_id)
    if organization is None:
        raise NotFound(f"organization {organization_id} not found", param="organization_id")
    return organization

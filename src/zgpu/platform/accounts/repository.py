"""Storage of organizations: add, flush and query; never commit."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from zgpu.platform.accounts.models import Organization


class OrganizationRepository:
    """Organization queries on one session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, organization: Organization) -> Organization:
        """Stage ``organization`` and flush it so its row exists in the transaction."""
        self.session.add(organization)
        self.session.flush()
        return organization

    def get(self, organization_id: uuid.UUID) -> Organization | None:
        """The organization with this id, or ``None``."""
        return self.session.get(Organization, organization_id)

    def list(self) -> Sequence[Organization]:
        """Every organization, oldest first."""
        stmt = select(Organization).order_by(Organization.created_at, Organization.id)
        return self.session.scalars(stmt).all()

    def any_exists(self) -> bool:
        """Whether at least one organization exists."""
        return self.session.scalars(select(Organization.id).limit(1)).first() is not None

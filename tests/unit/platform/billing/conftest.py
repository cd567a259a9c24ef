"""Fixtures for billing tests: an organization with a project, a billing service, a clock."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from zgpu.platform.accounts import create_organization
from zgpu.platform.billing import Billing, BillingConfig, CardDetails, TestCardProvider
from zgpu.platform.db import Database
from zgpu.platform.projects import create_project

NOW = datetime(2026, 3, 11, 15, 12, 47, tzinfo=UTC)
"""The reference time of these tests (cards expiring in 12/30 are valid then)."""

VISA = CardDetails("4242 4242 4242 4242", "12/30", "123", "US")
DECLINE = CardDetails("4000000000000002", "12/30", "123", "DE")
NO_FUNDS = CardDetails("4000000000009995", "12/30", "123", "FR")


@dataclass(frozen=True)
class Org:
    """A new organization and one of its projects."""

    id: uuid.UUID
    project_id: uuid.UUID


def new_org(db: Database, name: str = "Acme") -> Org:
    """An organization with one project."""
    with db.session() as session:
        organization = create_organization(session, name)
        project = create_project(session, organization.id, "Search")
        return Org(organization.id, project.id)


@pytest.fixture
def org(db: Database) -> Org:
    """A new organization with one project."""
    return new_org(db)


@pytest.fixture
def provider() -> TestCardProvider:
    """The built-in test card processor."""
    return TestCardProvider()


@pytest.fixture
def billing(provider: TestCardProvider) -> Billing:
    """Billing with the test processor and default limits."""
    return Billing(provider, BillingConfig())

"""First run: on an empty database, create a default organization, project and key.

This is what lets ``zgpu serve`` print a working key and project id the first time it starts.
"""

from __future__ import annotations

from dataclasses import dataclass

from zgpu.platform.accounts.models import Organization
from zgpu.platform.accounts.repository import OrganizationRepository
from zgpu.platform.accounts.service import create_organization
from zgpu.platform.billing.ledger import grant_welcome_credit
from zgpu.platform.db.session import Database
from zgpu.platform.errors import Conflict
from zgpu.platform.installation import claim_installation, is_installed
from zgpu.platform.keys.schemas import CreatedKey
from zgpu.platform.keys.service import create_key
from zgpu.platform.projects.models import Project
from zgpu.platform.projects.schemas import Environment
from zgpu.platform.projects.service import create_project

DEFAULT_ORGANIZATION = "Default organization"
DEFAULT_PROJECT = "Default project"
DEFAULT_KEY = "Default key"


@dataclass(frozen=True, slots=True)
class FirstRun:
    """What the first run created. ``key.secret`` is the only copy of the secret."""

    organization: Organization
    project: Project
    key: CreatedKey


def ensure_first_run(db: Database, welcome_credit_micro: int = 0) -> FirstRun | None:
    """Create the default organization, project (development) and key on an empty database.

    Returns ``None`` when the database already has an organization or was already initialised.
    Safe when several processes call it at once: the defaults and the installation marker are
    written in one transaction, and the marker's fixed key lets only one transaction commit;
    the others return ``None``. Raises ``StorageError`` if the database fails otherwise.
    The schema must be migrated first (``upgrade_to_head``). The organization starts with
    ``welcome_credit_micro`` of credit.
    """
    try:
        with db.session() as session:
            if is_installed(session) or OrganizationRepository(session).any_exists():
                return None
            claim_installation(session)
            organization = create_organization(session, DEFAULT_ORGANIZATION)
            project = create_project(
                session, organization.id, DEFAULT_PROJECT, Environment.DEVELOPMENT
            )
            key = create_key(session, project.id, DEFAULT_KEY)
            grant_welcome_credit(session, organization.id, welcome_credit_micro)
    except Conflict:
        return None
    return FirstRun(organization=organization, project=project, key=key)

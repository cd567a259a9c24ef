"""Project operations. Callers pass a session and commit it (unit of work)."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from zgpu.platform.accounts.repository import OrganizationRepository
from zgpu.platform.db.types import utc_now
from zgpu.platform.errors import Conflict, InvalidArgument, NotFound
from zgpu.platform.names import clean_name
from zgpu.platform.projects.models import Project
from zgpu.platform.projects.repository import ProjectRepository
from zgpu.platform.projects.schemas import PROJECT_NAME_MAX, Environment


def _environment(value: str) -> Environment:
    try:
        return Environment(value)
    except ValueError:
        valid = ", ".join(env.value for env in Environment)
        raise InvalidArgument(f"environment must be one of {valid}", param="environment") from None


def create_project(
    session: Session,
    organization_id: uuid.UUID,
    name: str,
    environment: str = Environment.DEVELOPMENT,
) -> Project:
    """Create a live project in an organization.

    Raises ``NotFound`` if the organization does not exist, ``InvalidArgument`` for an empty or
    over-long name or an unknown environment, and ``Conflict`` if a live project of the
    organization already has that name.
    """
    cleaned = clean_name(name, param="name", max_length=PROJECT_NAME_MAX)
    env = _environment(environment)
    if OrganizationRepository(session).get(organization_id) is None:
        raise NotFound(f"organization {organization_id} not found", param="organization_id")
    projects = ProjectRepository(session)
    if projects.live_name_taken(organization_id, cleaned):
        raise Conflict(f"a live project named {cleaned!r} already exists", param="name")
    return projects.add(
        Project(organization_id=organization_id, name=cleaned, environment=env.value)
    )


def list_projects(session: Session, organization_id: uuid.UUID | None = None) -> list[Project]:
    """Projects, oldest first, archived ones included; only one organization's when given."""
    return list(ProjectRepository(session).list(organization_id))


def get_project(session: Session, project_id: uuid.UUID) -> Project:
    """The project with this id; raises ``NotFound`` when there is none."""
    project = ProjectRepository(session).get(project_id)
    if project is None:
        raise NotFound(f"project {project_id} not found", param="project_id")
    return project


def archive_project(session: Session, project_id: uuid.UUID) -> Project:
    """Archive a project (its keys then authenticate with ``project_archived=True``).

    Archiving an archived project changes nothing. Raises ``NotFound`` when it does not exist.
    """
    project = get_project(session, project_id)
    if project.archived_at is None:
        project.archived_at = utc_now()
        ProjectRepository(session).flush()
    return project

"""Project operations. Callers pass a session and commit it (unit of work)."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from zgpu.platform.accounts.repository import OrganizationRepository
from zgpu.platform.db.integrity import flush_or_conflict
from zgpu.platform.db.types import utc_now
from zgpu.platform.errors import Conflict, InvalidArgument, NotFound
from zgpu.platform.names import clean_name
from zgpu.platform.projects.models import Project
from zgpu.platform.projects.repository import ProjectRepository
from zgpu.platform.projects.schemas import PROJECT_NAME_MAX, EdgePolicy, Environment


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


def edge_policies(session: Session) -> dict[uuid.UUID, EdgePolicy]:
    """The edge policy of every project whose policy is not ``any`` (the default)."""
    rows = ProjectRepository(session).edge_policies(exclude=EdgePolicy.ANY.value)
    return {project_id: EdgePolicy(policy) for project_id, policy in rows}


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


def _edge_policy(value: str) -> EdgePolicy:
    try:
        return EdgePolicy(value)
    except ValueError:
        valid = ", ".join(policy.value for policy in EdgePolicy)
        raise InvalidArgument(f"edge_policy must be one of {valid}", param="edge_policy") from None


def update_project(
    session: Session,
    project_id: uuid.UUID,
    *,
    name: str | None = None,
    environment: str | None = None,
    edge_policy: str | None = None,
) -> Project:
    """Rename a project, change its environment label and/or its edge policy (``None`` keeps
    a value).

    Raises ``NotFound``, ``InvalidArgument`` (param ``name``, ``environment`` or
    ``edge_policy``) and ``Conflict`` when another live project of the organization has the
    new name.
    """
    project = get_project(session, project_id)
    projects = ProjectRepository(session)
    if name is not None:
        cleaned = clean_name(name, param="name", max_length=PROJECT_NAME_MAX)
        if cleaned != project.name:
            if project.archived_at is None and projects.live_name_taken(
                project.organization_id, cleaned
            ):
                raise Conflict(f"a live project named {cleaned!r} already exists", param="name")
            project.name = cleaned
    if environment is not None:
        project.environment = _environment(environment).value
    if edge_policy is not None:
        project.edge_policy = _edge_policy(edge_policy).value
    flush_or_conflict(session, "a live project with this name already exists", param="name")
    return project


def restore_project(session: Session, project_id: uuid.UUID) -> Project:
    """Bring an archived project back; its keys work again. Restoring a live one changes nothing.

    Raises ``NotFound``, and ``Conflict`` (param ``name``) when a live project of the
    organization has taken its name meanwhile.
    """
    project = get_project(session, project_id)
    if project.archived_at is not None:
        if ProjectRepository(session).live_name_taken(project.organization_id, project.name):
            raise Conflict(
                f"a live project named {project.name!r} exists; rename one first", param="name"
            )
        project.archived_at = None
        flush_or_conflict(session, "a live project with this name already exists", param="name")
    return project

"""``/v1/organization/projects``: list, create, get, update, archive and restore projects."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from zgpu.api.body import json_body, openapi_body
from zgpu.api.deps import GatewayDep
from zgpu.api.errors import error_responses
from zgpu.api.management.deps import (
    After,
    Limit,
    OrgAccess,
    in_session,
    project_in,
    project_of,
    require_permission,
)
from zgpu.api.management.schemas import (
    CreateProjectRequest,
    ListPage,
    ProjectObject,
    UpdateProjectRequest,
)
from zgpu.edge.router import EdgePolicy as RouterPolicy
from zgpu.platform.authz import Permission
from zgpu.platform.projects import (
    archive_project,
    create_project,
    list_projects,
    restore_project,
    update_project,
)

router = APIRouter(prefix="/v1/organization/projects", tags=["projects"])

_ERRORS = error_responses(400, 401, 403, 404)
_WRITE_ERRORS = error_responses(400, 401, 403, 404, 409, 415)


@router.get(
    "",
    operation_id="listProjects",
    summary="List projects",
    response_model=ListPage[ProjectObject],
    responses=_ERRORS,
)
async def list_(
    ctx: OrgAccess,
    gateway: GatewayDep,
    limit: Limit = 20,
    after: After = None,
    include_archived: Annotated[bool, Query(description="Include archived projects.")] = False,
) -> ListPage[ProjectObject]:
    """The organization's projects, oldest first."""
    require_permission(ctx, Permission.PROJECTS_READ)
    projects = await in_session(gateway, lambda s: list_projects(s, ctx.organization_id))
    shown = [ProjectObject.of(p) for p in projects if include_archived or p.archived_at is None]
    return ListPage[ProjectObject].of(shown, limit, after)


@router.post(
    "",
    operation_id="createProject",
    summary="Create a project",
    status_code=201,
    response_model=ProjectObject,
    responses=_WRITE_ERRORS,
    openapi_extra=openapi_body(CreateProjectRequest),
)
async def create(
    ctx: OrgAccess,
    gateway: GatewayDep,
    body: Annotated[CreateProjectRequest, Depends(json_body(CreateProjectRequest))],
) -> ProjectObject:
    """Create a project; live project names are unique in an organization (409)."""
    require_permission(ctx, Permission.PROJECTS_CREATE)

    def work(session: Session) -> ProjectObject:
        project = create_project(session, ctx.organization_id, body.name, body.environment)
        return ProjectObject.of(project)

    return await in_session(gateway, work)


@router.get(
    "/{project_id}",
    operation_id="getProject",
    summary="Get a project",
    response_model=ProjectObject,
    responses=_ERRORS,
)
async def get(ctx: OrgAccess, gateway: GatewayDep, project_id: uuid.UUID) -> ProjectObject:
    """One project of the organization (404 for any other)."""
    project = await project_of(ctx, project_id, gateway)
    require_permission(ctx, Permission.PROJECTS_READ)
    return ProjectObject.of(project)


@router.patch(
    "/{project_id}",
    operation_id="updateProject",
    summary="Rename a project, change its environment or its edge policy",
    response_model=ProjectObject,
    responses=_WRITE_ERRORS,
    openapi_extra=openapi_body(UpdateProjectRequest),
)
async def update(
    ctx: OrgAccess,
    gateway: GatewayDep,
    project_id: uuid.UUID,
    body: Annotated[UpdateProjectRequest, Depends(json_body(UpdateProjectRequest))],
) -> ProjectObject:
    """Change the name, environment label and/or edge policy; omitted fields keep their
    value. A new edge policy applies to this gateway's next request (to other gateways'
    within their refresh, about a second)."""

    def work(session: Session) -> ProjectObject:
        project_in(session, ctx, project_id)
        require_permission(ctx, Permission.PROJECTS_UPDATE)
        project = update_project(
            session,
            project_id,
            name=body.name,
            environment=body.environment.value if body.environment else None,
            edge_policy=body.edge_policy.value if body.edge_policy else None,
        )
        return ProjectObject.of(project)

    updated = await in_session(gateway, work)
    if gateway.edge is not None and body.edge_policy is not None:
        gateway.edge.directory.set_policy(project_id, RouterPolicy(body.edge_policy.value))
    return updated


@router.post(
    "/{project_id}/archive",
    operation_id="archiveProject",
    summary="Archive a project",
    response_model=ProjectObject,
    responses=_ERRORS,
)
async def archive(ctx: OrgAccess, gateway: GatewayDep, project_id: uuid.UUID) -> ProjectObject:
    """Archive a project: its keys stop working for inference (403) until it is restored."""

    def work(session: Session) -> ProjectObject:
        project_in(session, ctx, project_id)
        require_permission(ctx, Permission.PROJECTS_ARCHIVE)
        return ProjectObject.of(archive_project(session, project_id))

    return await in_session(gateway, work)


@router.post(
    "/{project_id}/restore",
    operation_id="restoreProject",
    summary="Restore an archived project",
    response_model=ProjectObject,
    responses=error_responses(400, 401, 403, 404, 409),
)
async def restore(ctx: OrgAccess, gateway: GatewayDep, project_id: uuid.UUID) -> ProjectObject:
    """Bring an archived project back (409 if a live project took its name meanwhile)."""

    def work(session: Session) -> ProjectObject:
        project_in(session, ctx, project_id)
        require_permission(ctx, Permission.PROJECTS_ARCHIVE)
        return ProjectObject.of(restore_project(session, project_id))

    return await in_session(gateway, work)

"""Dependencies of the management routes: the caller, the organization they act in, a project.

A handler states what it needs in its signature::

    async def list_projects(ctx: OrgAccess, gateway: GatewayDep) -> ProjectList:
        require_permission(ctx, Permission.PROJECTS_READ)
        ...

Organizations and projects the caller cannot see answer 404, never 403, so their ids do not
leak; 403 means "this exists and you are in it, but your role may not do that".
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Final, TypeVar

from fastapi import Depends, Query, Request
from sqlalchemy.orm import Session

from zgpu.api.deps import GatewayDep
from zgpu.api.gateway import Gateway
from zgpu.api.management.auth import Principal, resolve_principal
from zgpu.platform.authz import Permission, Role, require
from zgpu.platform.errors import Forbidden, InvalidArgument, NotFound
from zgpu.platform.projects import Project, get_project

ORGANIZATION_HEADER: Final = "x-organization-id"

T = TypeVar("T")


async def in_session(gateway: Gateway, work: Callable[[Session], T]) -> T:
    """Run ``work`` in one unit of work on a worker thread; it commits when ``work`` returns.

    Platform errors raised by ``work`` propagate after the rollback.
    """

    def run() -> T:
        with gateway.database.session() as session:
            return work(session)

    return await asyncio.to_thread(run)


async def get_principal(request: Request, gateway: GatewayDep) -> Principal:
    """The authenticated caller (see ``zgpu.api.management.auth``).

    Raises ``Unauthenticated`` (401) or ``Forbidden`` (403, CSRF).
    """
    headers, cookies, method = request.headers, request.cookies, request.method
    return await in_session(
        gateway,
        lambda session: resolve_principal(
            session, headers, cookies, method, gateway.session_policy
        ),
    )


PrincipalDep = Annotated[Principal, Depends(get_principal)]
"""The authenticated caller of a management route."""


def require_user(principal: Principal) -> uuid.UUID:
    """The caller's user id; raises ``Forbidden`` for an admin key (the action needs a person)."""
    if principal.user_id is None:
        raise Forbidden(
            "This action needs a signed-in user, not an admin key.", code="user_required"
        )
    return principal.user_id


@dataclass(frozen=True, slots=True)
class OrgContext:
    """The organization a request acts in and the caller's role there."""

    organization_id: uuid.UUID
    role: Role
    principal: Principal


def select_organization(principal: Principal, named: str | None) -> OrgContext:
    """The organization named by ``x-organization-id``, else the caller's only one.

    Raises ``NotFound`` when the caller is not in the named organization (or in none),
    ``InvalidArgument`` for a malformed id or when a user in several organizations names none.
    """
    if named:
        try:
            organization_id = uuid.UUID(named)
        except ValueError:
            raise InvalidArgument(
                f"{ORGANIZATION_HEADER} is not an organization id", param=ORGANIZATION_HEADER
            ) from None
        role = principal.roles.get(organization_id)
        if role is None:
            raise NotFound(f"organization {organization_id} not found", param=ORGANIZATION_HEADER)
        return OrgContext(organization_id, role, principal)
    if not principal.roles:
        raise NotFound("You are not a member of any organization.", param=ORGANIZATION_HEADER)
    if len(principal.roles) > 1:
        raise InvalidArgument(
            f"You belong to several organizations: name one in the {ORGANIZATION_HEADER} header.",
            param=ORGANIZATION_HEADER,
        )
    ((organization_id, role),) = principal.roles.items()
    return OrgContext(organization_id, role, principal)


async def org_access(request: Request, principal: PrincipalDep) -> OrgContext:
    """The organization of this request, membership checked (``select_organization``)."""
    return select_organization(principal, request.headers.get(ORGANIZATION_HEADER, "").strip())


OrgAccess = Annotated[OrgContext, Depends(org_access)]
"""The organization a management route acts in, with the caller's role there."""


def require_permission(ctx: OrgContext, permission: Permission) -> None:
    """Return when the caller's role allows ``permission``; raise ``Forbidden`` (403) otherwise."""
    require(ctx.role, permission)


def project_in(session: Session, ctx: OrgContext, project_id: uuid.UUID) -> Project:
    """The project ``project_id`` of the context's organization; ``NotFound`` otherwise."""
    try:
        project = get_project(session, project_id)
    except NotFound:
        project = None
    if project is None or project.organization_id != ctx.organization_id:
        raise NotFound(f"project {project_id} not found", param="project_id")
    return project


async def project_of(ctx: OrgContext, project_id: uuid.UUID, gateway: Gateway) -> Project:
    """The project ``project_id`` if it belongs to the context's organization.

    Raises ``NotFound`` (404) otherwise, whether it does not exist or is another organization's.
    """
    return await in_session(gateway, lambda session: project_in(session, ctx, project_id))


Limit = Annotated[int, Query(ge=1, le=100, description="How many objects to return.")]
"""``?limit=``: page size of a list endpoint (1-100, default 20)."""
After = Annotated[
    str | None, Query(description="Return objects after the one with this id (the cursor).")
]
"""``?after=``: the cursor of a list endpoint (the previous page's ``last_id``)."""

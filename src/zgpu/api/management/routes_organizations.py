"""``/v1/organizations`` (mine, create) and ``/v1/organization`` (the current one, its users)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from zgpu.api.body import json_body, openapi_body
from zgpu.api.deps import GatewayDep
from zgpu.api.errors import error_responses
from zgpu.api.management.deps import (
    After,
    Limit,
    OrgAccess,
    OrgContext,
    PrincipalDep,
    in_session,
    require_permission,
    require_user,
)
from zgpu.api.management.schemas import (
    AddMemberRequest,
    CreateOrganizationRequest,
    Deleted,
    ListPage,
    MemberObject,
    OrganizationObject,
    UpdateMemberRequest,
    UpdateOrganizationRequest,
)
from zgpu.platform.accounts import (
    create_organization,
    get_organization,
    list_user_organizations,
    rename_organization,
)
from zgpu.platform.authz import Permission, Role
from zgpu.platform.bootstrap import DEFAULT_PROJECT
from zgpu.platform.memberships import (
    OrganizationRole,
    add_member,
    change_role,
    get_member,
    list_members,
    remove_member,
)
from zgpu.platform.projects import create_project
from zgpu.platform.users import find_user_by_email

router = APIRouter(tags=["organizations"])

_ORG_ERRORS = error_responses(400, 401, 403, 404)


def _current(session: Session, ctx: OrgContext) -> OrganizationObject:
    org = get_organization(session, ctx.organization_id)
    return OrganizationObject.of(OrganizationRole(org.id, org.name, ctx.role, org.created_at))


@router.get(
    "/v1/organizations",
    operation_id="listOrganizations",
    summary="List my organizations",
    response_model=ListPage[OrganizationObject],
    responses=error_responses(401),
)
async def list_organizations(
    gateway: GatewayDep, principal: PrincipalDep, limit: Limit = 20, after: After = None
) -> ListPage[OrganizationObject]:
    """The organizations the caller belongs to (an admin key: its own), oldest first."""

    def work(session: Session) -> list[OrganizationObject]:
        if principal.user_id is not None:
            return [
                OrganizationObject.of(o)
                for o in list_user_organizations(session, principal.user_id)
            ]
        out = []
        for org_id, role in principal.roles.items():
            org = get_organization(session, org_id)
            out.append(
                OrganizationObject.of(OrganizationRole(org.id, org.name, role, org.created_at))
            )
        return out

    return ListPage[OrganizationObject].of(await in_session(gateway, work), limit, after)


@router.post(
    "/v1/organizations",
    operation_id="createOrganization",
    summary="Create an organization",
    status_code=201,
    response_model=OrganizationObject,
    responses=error_responses(400, 401, 403, 415),
    openapi_extra=openapi_body(CreateOrganizationRequest),
)
async def create_org(
    gateway: GatewayDep,
    principal: PrincipalDep,
    body: Annotated[CreateOrganizationRequest, Depends(json_body(CreateOrganizationRequest))],
) -> OrganizationObject:
    """Create an organization owned by the signed-in user, with a default project.

    Admin keys cannot create organizations (403 ``user_required``).
    """
    user_id = require_user(principal)

    def work(session: Session) -> OrganizationObject:
        org = create_organization(session, body.name, owner_id=user_id)
        create_project(session, org.id, DEFAULT_PROJECT)
        return OrganizationObject.of(OrganizationRole(org.id, org.name, Role.OWNER, org.created_at))

    return await in_session(gateway, work)


@router.get(
    "/v1/organization",
    operation_id="getOrganization",
    summary="The current organization",
    response_model=OrganizationObject,
    responses=_ORG_ERRORS,
)
async def get_current(ctx: OrgAccess, gateway: GatewayDep) -> OrganizationObject:
    """The organization named by ``x-organization-id`` (or the caller's only one)."""
    require_permission(ctx, Permission.ORG_READ)
    return await in_session(gateway, lambda session: _current(session, ctx))


@router.patch(
    "/v1/organization",
    operation_id="updateOrganization",
    summary="Rename the organization",
    response_model=OrganizationObject,
    responses=error_responses(400, 401, 403, 404, 415),
    openapi_extra=openapi_body(UpdateOrganizationRequest),
)
async def update_current(
    ctx: OrgAccess,
    gateway: GatewayDep,
    body: Annotated[UpdateOrganizationRequest, Depends(json_body(UpdateOrganizationRequest))],
) -> OrganizationObject:
    """Rename the current organization."""
    require_permission(ctx, Permission.ORG_UPDATE)

    def work(session: Session) -> OrganizationObject:
        rename_organization(session, ctx.organization_id, body.name)
        return _current(session, ctx)

    return await in_session(gateway, work)


@router.get(
    "/v1/organization/users",
    operation_id="listOrganizationUsers",
    summary="List members",
    response_model=ListPage[MemberObject],
    responses=_ORG_ERRORS,
)
async def list_users(
    ctx: OrgAccess, gateway: GatewayDep, limit: Limit = 20, after: After = None
) -> ListPage[MemberObject]:
    """The organization's members and their roles, oldest first."""
    require_permission(ctx, Permission.MEMBERS_READ)
    members = await in_session(gateway, lambda s: list_members(s, ctx.organization_id))
    return ListPage[MemberObject].of([MemberObject.of(m) for m in members], limit, after)


@router.post(
    "/v1/organization/users",
    operation_id="addOrganizationUser",
    summary="Add a member",
    status_code=201,
    response_model=MemberObject,
    responses=error_responses(400, 401, 403, 404, 409, 415),
    openapi_extra=openapi_body(AddMemberRequest),
)
async def add_user(
    ctx: OrgAccess,
    gateway: GatewayDep,
    body: Annotated[AddMemberRequest, Depends(json_body(AddMemberRequest))],
) -> MemberObject:
    """Add an existing user, by email, with a role. Granting ``owner`` needs owners.manage."""
    require_permission(ctx, Permission.MEMBERS_MANAGE)
    if body.role == Role.OWNER.value:
        require_permission(ctx, Permission.OWNERS_MANAGE)

    def work(session: Session) -> MemberObject:
        user = find_user_by_email(session, body.email)
        return MemberObject.of(add_member(session, ctx.organization_id, user.id, body.role))

    return await in_session(gateway, work)


@router.get(
    "/v1/organization/users/{user_id}",
    operation_id="getOrganizationUser",
    summary="Get a member",
    response_model=MemberObject,
    responses=_ORG_ERRORS,
)
async def get_user_(ctx: OrgAccess, gateway: GatewayDep, user_id: uuid.UUID) -> MemberObject:
    """One member of the organization (404 for anyone else)."""
    member = await in_session(gateway, lambda s: get_member(s, ctx.organization_id, user_id))
    require_permission(ctx, Permission.MEMBERS_READ)
    return MemberObject.of(member)


def _check_owner_change(
    session: Session, ctx: OrgContext, user_id: uuid.UUID, new: str | None
) -> None:
    """404 unless ``user_id`` is a member; then members.manage, and owners.manage when an owner
    is touched or made."""
    current = get_member(session, ctx.organization_id, user_id).role
    require_permission(ctx, Permission.MEMBERS_MANAGE)
    if current is Role.OWNER or new == Role.OWNER.value:
        require_permission(ctx, Permission.OWNERS_MANAGE)


@router.patch(
    "/v1/organization/users/{user_id}",
    operation_id="updateOrganizationUser",
    summary="Change a member's role",
    response_model=MemberObject,
    responses=error_responses(400, 401, 403, 404, 409, 415),
    openapi_extra=openapi_body(UpdateMemberRequest),
)
async def update_user(
    ctx: OrgAccess,
    gateway: GatewayDep,
    user_id: uuid.UUID,
    body: Annotated[UpdateMemberRequest, Depends(json_body(UpdateMemberRequest))],
) -> MemberObject:
    """Change a member's role; the last owner cannot be demoted (409 ``last_owner``)."""

    def work(session: Session) -> MemberObject:
        _check_owner_change(session, ctx, user_id, body.role)
        return MemberObject.of(change_role(session, ctx.organization_id, user_id, body.role))

    return await in_session(gateway, work)


@router.delete(
    "/v1/organization/users/{user_id}",
    operation_id="removeOrganizationUser",
    summary="Remove a member",
    response_model=Deleted,
    responses=error_responses(401, 403, 404, 409),
)
async def remove_user(ctx: OrgAccess, gateway: GatewayDep, user_id: uuid.UUID) -> Deleted:
    """Remove a member; the last owner cannot be removed (409 ``last_owner``)."""

    def work(session: Session) -> None:
        _check_owner_change(session, ctx, user_id, None)
        remove_member(session, ctx.organization_id, user_id)

    await in_session(gateway, work)
    return Deleted(object="organization.user.deleted", id=str(user_id))

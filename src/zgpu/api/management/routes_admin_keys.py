"""``/v1/organization/admin_api_keys``: keys that automate the management API."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from zgpu.api.body import json_body, openapi_body
from zgpu.api.deps import GatewayDep
from zgpu.api.errors import error_responses
from zgpu.api.management.deps import After, Limit, OrgAccess, in_session, require_permission
from zgpu.api.management.schemas import (
    AdminKeyObject,
    CreateAdminKeyRequest,
    CreatedAdminKeyObject,
    Deleted,
    ListPage,
)
from zgpu.platform.admin_keys import (
    create_admin_key,
    get_admin_key,
    list_admin_keys,
    revoke_admin_key,
)
from zgpu.platform.authz import Permission

router = APIRouter(prefix="/v1/organization/admin_api_keys", tags=["admin keys"])

_ERRORS = error_responses(400, 401, 403, 404)


@router.get(
    "",
    operation_id="listAdminApiKeys",
    summary="List admin keys",
    response_model=ListPage[AdminKeyObject],
    responses=_ERRORS,
)
async def list_(
    ctx: OrgAccess, gateway: GatewayDep, limit: Limit = 20, after: After = None
) -> ListPage[AdminKeyObject]:
    """The organization's admin keys, newest first, redacted, revoked ones included."""
    require_permission(ctx, Permission.ADMIN_KEYS_MANAGE)
    keys = await in_session(gateway, lambda s: list_admin_keys(s, ctx.organization_id))
    return ListPage[AdminKeyObject].of([AdminKeyObject.of(k) for k in keys], limit, after)


@router.post(
    "",
    operation_id="createAdminApiKey",
    summary="Create an admin key",
    status_code=201,
    response_model=CreatedAdminKeyObject,
    responses=error_responses(400, 401, 403, 404, 415),
    openapi_extra=openapi_body(CreateAdminKeyRequest),
)
async def create(
    ctx: OrgAccess,
    gateway: GatewayDep,
    body: Annotated[CreateAdminKeyRequest, Depends(json_body(CreateAdminKeyRequest))],
) -> CreatedAdminKeyObject:
    """Create an admin key; ``value`` is the secret, shown only now. It cannot call inference."""
    require_permission(ctx, Permission.ADMIN_KEYS_MANAGE)
    created_by = ctx.principal.user_id

    def work(session: Session) -> CreatedAdminKeyObject:
        created = create_admin_key(session, ctx.organization_id, body.name, created_by)
        return CreatedAdminKeyObject.created(created)

    return await in_session(gateway, work)


@router.get(
    "/{key_id}",
    operation_id="getAdminApiKey",
    summary="Get an admin key",
    response_model=AdminKeyObject,
    responses=_ERRORS,
)
async def get(ctx: OrgAccess, gateway: GatewayDep, key_id: uuid.UUID) -> AdminKeyObject:
    """One admin key of the organization, redacted."""
    key = await in_session(gateway, lambda s: get_admin_key(s, ctx.organization_id, key_id))
    require_permission(ctx, Permission.ADMIN_KEYS_MANAGE)
    return AdminKeyObject.of(key)


@router.delete(
    "/{key_id}",
    operation_id="revokeAdminApiKey",
    summary="Revoke an admin key",
    response_model=Deleted,
    responses=_ERRORS,
)
async def revoke(ctx: OrgAccess, gateway: GatewayDep, key_id: uuid.UUID) -> Deleted:
    """Revoke an admin key; its next request fails, on every gateway."""

    def work(session: Session) -> None:
        get_admin_key(session, ctx.organization_id, key_id)
        require_permission(ctx, Permission.ADMIN_KEYS_MANAGE)
        revoke_admin_key(session, ctx.organization_id, key_id)

    await in_session(gateway, work)
    return Deleted(object="organization.admin_api_key.deleted", id=str(key_id))

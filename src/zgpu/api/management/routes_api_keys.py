"""``/v1/organization/projects/{project_id}/api_keys``: a project's inference keys."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
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
    in_session,
    project_in,
    require_permission,
)
from zgpu.api.management.schemas import (
    ApiKeyObject,
    CreateApiKeyRequest,
    CreatedApiKeyObject,
    Deleted,
    ListPage,
)
from zgpu.platform.authz import Permission
from zgpu.platform.errors import InvalidArgument, NotFound
from zgpu.platform.keys import KeyInfo, create_key, get_key, list_keys, revoke_key

router = APIRouter(prefix="/v1/organization/projects/{project_id}/api_keys", tags=["api keys"])

_ERRORS = error_responses(400, 401, 403, 404)


def _key_in(session: Session, ctx: OrgContext, project_id: uuid.UUID, key_id: uuid.UUID) -> KeyInfo:
    project_in(session, ctx, project_id)
    try:
        key = get_key(session, key_id)
    except NotFound:
        key = None
    if key is None or key.project_id != project_id:
        raise NotFound(f"API key {key_id} not found", param="key_id")
    return key


@router.get(
    "",
    operation_id="listApiKeys",
    summary="List a project's API keys",
    response_model=ListPage[ApiKeyObject],
    responses=_ERRORS,
)
async def list_(
    ctx: OrgAccess,
    gateway: GatewayDep,
    project_id: uuid.UUID,
    limit: Limit = 20,
    after: After = None,
) -> ListPage[ApiKeyObject]:
    """The project's keys, newest first, redacted, with creator, last use and status."""

    def work(session: Session) -> list[KeyInfo]:
        project_in(session, ctx, project_id)
        require_permission(ctx, Permission.KEYS_READ)
        return list_keys(session, project_id)

    keys = await in_session(gateway, work)
    return ListPage[ApiKeyObject].of([ApiKeyObject.of(k) for k in keys], limit, after)


@router.post(
    "",
    operation_id="createApiKey",
    summary="Create an API key",
    status_code=201,
    response_model=CreatedApiKeyObject,
    responses=error_responses(400, 401, 403, 404, 409, 415),
    openapi_extra=openapi_body(CreateApiKeyRequest),
)
async def create(
    ctx: OrgAccess,
    gateway: GatewayDep,
    project_id: uuid.UUID,
    body: Annotated[CreateApiKeyRequest, Depends(json_body(CreateApiKeyRequest))],
) -> CreatedApiKeyObject:
    """Create a key for the project. ``value`` in the answer is the secret, shown only now."""
    expires_at = None
    if body.expires_at is not None:
        try:
            expires_at = datetime.fromtimestamp(body.expires_at, UTC)
        except (OverflowError, OSError, ValueError):
            raise InvalidArgument("expires_at is out of range", param="expires_at") from None
    created_by = ctx.principal.user_id

    def work(session: Session) -> CreatedApiKeyObject:
        project_in(session, ctx, project_id)
        require_permission(ctx, Permission.KEYS_CREATE)
        created = create_key(session, project_id, body.name, created_by, expires_at)
        return CreatedApiKeyObject.created(created, created_by)

    return await in_session(gateway, work)


@router.get(
    "/{key_id}",
    operation_id="getApiKey",
    summary="Get an API key",
    response_model=ApiKeyObject,
    responses=_ERRORS,
)
async def get(
    ctx: OrgAccess, gateway: GatewayDep, project_id: uuid.UUID, key_id: uuid.UUID
) -> ApiKeyObject:
    """One key of the project, redacted."""
    key = await in_session(gateway, lambda s: _key_in(s, ctx, project_id, key_id))
    require_permission(ctx, Permission.KEYS_READ)
    return ApiKeyObject.of(key)


@router.delete(
    "/{key_id}",
    operation_id="revokeApiKey",
    summary="Revoke an API key",
    response_model=Deleted,
    responses=_ERRORS,
)
async def revoke(
    ctx: OrgAccess, gateway: GatewayDep, project_id: uuid.UUID, key_id: uuid.UUID
) -> Deleted:
    """Revoke the key, immediately and for good.

    This gateway stops accepting it at once; others within their key cache TTL (under one
    second by default).
    """

    def work(session: Session) -> None:
        _key_in(session, ctx, project_id, key_id)
        require_permission(ctx, Permission.KEYS_REVOKE)
        revoke_key(session, key_id)

    await in_session(gateway, work)
    gateway.authenticator.evict_key(key_id)
    return Deleted(object="organization.project.api_key.deleted", id=str(key_id))

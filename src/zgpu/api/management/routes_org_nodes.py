"""``/v1/organization/nodes``: an organization's edge nodes and enrollment tokens.

A node object joins what the database stores (name, status, reputation, quarantine reason,
last position, creation time) with what this gateway sees live (online or offline, draining,
requests in flight, models cached, concurrency). Nodes and tokens of other organizations
answer 404. Revoking a node takes effect at once: its credential stops working and this
gateway stops routing to it (other gateways within their identity refresh, about a second).
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from zgpu.api.body import json_body, openapi_body
from zgpu.api.deps import GatewayDep
from zgpu.api.errors import error_responses
from zgpu.api.gateway import Gateway
from zgpu.api.management.deps import OrgAccess, OrgContext, in_session, require_permission
from zgpu.api.management.schemas import Request, unix, unix_now
from zgpu.edge.registry import NodeRegistry
from zgpu.platform.authz import Permission
from zgpu.platform.errors import NotFound
from zgpu.platform.nodes import (
    NodeInfo,
    NodeState,
    TokenInfo,
    create_token,
    get_node,
    list_nodes,
    list_tokens,
    revoke_node,
)
from zgpu.platform.nodes.schemas import NODE_NAME_MAX
from zgpu.platform.nodes.secret import visible_prefix

router = APIRouter(prefix="/v1/organization/nodes", tags=["nodes"])

_ERRORS = error_responses(400, 401, 403, 404)
_WRITE_ERRORS = error_responses(400, 401, 403, 404, 415)

NodeStatusName = Literal["online", "offline", "draining", "quarantined", "revoked"]
MAX_TOKEN_TTL_HOURS = 24 * 30
"""Longest lifetime of an enrollment token: 30 days."""


class NodeObject(BaseModel):
    """An edge node: stored fields from the node record, live fields from the gateway.

    ``status``: ``revoked`` and ``quarantined`` come from the record; otherwise ``online``
    (heartbeating and in the pool), ``draining`` (finishing its work before it stops) or
    ``offline``. ``last_seen_at`` and ``created_at`` are Unix seconds.
    """

    object: Literal["organization.node"] = "organization.node"
    id: str
    name: str
    status: NodeStatusName
    region: str | None
    lat: float | None
    lon: float | None
    models: list[str]
    concurrency: int
    in_flight: int
    reputation: float
    quarantine_reason: str | None
    last_seen_at: int | None
    created_at: int


class NodeList(BaseModel):
    """The organization's nodes, oldest first."""

    object: Literal["list"] = "list"
    data: list[NodeObject]


class NodeTokenObject(BaseModel):
    """An enrollment token; ``token`` (the secret) only in the answer that created it.

    ``status``: ``unused``, ``used`` (``node_id`` is the node it enrolled) or ``expired``.
    """

    object: Literal["organization.node_token"] = "organization.node_token"
    id: str
    name: str
    prefix: str
    status: Literal["unused", "used", "expired"]
    created_at: int
    expires_at: int
    used_at: int | None
    node_id: str | None
    token: str | None = None

    @classmethod
    def of(cls, info: TokenInfo, token: str | None = None) -> NodeTokenObject:
        """From the service's value."""
        return cls(
            id=str(info.id),
            name=info.name,
            prefix=info.prefix,
            status=info.status.value,
            created_at=unix_now(info.created_at),
            expires_at=unix_now(info.expires_at),
            used_at=unix(info.used_at),
            node_id=info.node_id,
            token=token,
        )


class NodeTokenList(BaseModel):
    """The organization's enrollment tokens, newest first (never their secrets)."""

    object: Literal["list"] = "list"
    data: list[NodeTokenObject]


class CreateNodeTokenRequest(Request):
    """``POST /v1/organization/nodes/tokens``: ``name`` for the nodes it enrolls, and how
    many hours it stays valid."""

    name: str = Field(default="node", max_length=NODE_NAME_MAX)
    ttl_hours: float = Field(default=24, gt=0, le=MAX_TOKEN_TTL_HOURS)


def node_object(info: NodeInfo, registry: NodeRegistry | None) -> NodeObject:
    """``info`` with the live view of ``registry`` (``None``: no edge network, all offline)."""
    live = registry.get(info.id) if registry is not None else None
    status: NodeStatusName
    if info.status is NodeState.REVOKED:
        status = "revoked"
    elif info.status is NodeState.QUARANTINED:
        status = "quarantined"
    elif live is not None and live.draining:
        status = "draining"
    elif live is not None and registry is not None and registry.is_live(live, registry.now()):
        status = "online"
    else:
        status = "offline"
    last_seen = unix(info.last_seen_at)
    if live is not None and registry is not None and live.last_heartbeat != float("-inf"):
        last_seen = int(time.time() - (registry.now() - live.last_heartbeat))
    return NodeObject(
        id=info.id,
        name=info.name,
        status=status,
        region=live.region if live is not None else info.region,
        lat=live.lat if live is not None else info.lat,
        lon=live.lon if live is not None else info.lon,
        models=sorted(live.models_cached) if live is not None else [],
        concurrency=live.concurrency if live is not None else 0,
        in_flight=live.load if live is not None else 0,
        reputation=info.reputation,
        quarantine_reason=info.quarantine_reason,
        last_seen_at=last_seen,
        created_at=unix_now(info.created_at),
    )


def _registry(gateway: Gateway) -> NodeRegistry | None:
    return gateway.edge.registry if gateway.edge is not None else None


def _node_in(session: Session, ctx: OrgContext, node_id: str) -> NodeInfo:
    """The node ``node_id`` of the context's organization; ``NotFound`` otherwise."""
    try:
        info = get_node(session, node_id)
    except NotFound:
        info = None
    if info is None or info.organization_id != ctx.organization_id:
        raise NotFound(f"node {node_id} not found", param="node_id")
    return info


@router.get(
    "",
    operation_id="listNodes",
    summary="List edge nodes",
    response_model=NodeList,
    responses=_ERRORS,
)
async def list_(ctx: OrgAccess, gateway: GatewayDep) -> NodeList:
    """The organization's edge nodes, oldest first, with their live state."""
    require_permission(ctx, Permission.NODES_READ)
    nodes = await in_session(gateway, lambda s: list_nodes(s, ctx.organization_id))
    registry = _registry(gateway)
    return NodeList(data=[node_object(info, registry) for info in nodes])


@router.get(
    "/tokens",
    operation_id="listNodeTokens",
    summary="List enrollment tokens",
    response_model=NodeTokenList,
    responses=_ERRORS,
)
async def list_tokens_(ctx: OrgAccess, gateway: GatewayDep) -> NodeTokenList:
    """The organization's enrollment tokens, newest first, without their secrets."""
    require_permission(ctx, Permission.NODES_READ)
    tokens = await in_session(gateway, lambda s: list_tokens(s, ctx.organization_id))
    return NodeTokenList(data=[NodeTokenObject.of(token) for token in tokens])


@router.post(
    "/tokens",
    operation_id="createNodeToken",
    summary="Create an enrollment token",
    status_code=201,
    response_model=NodeTokenObject,
    responses=_WRITE_ERRORS,
    openapi_extra=openapi_body(CreateNodeTokenRequest),
)
async def create_token_(
    ctx: OrgAccess,
    gateway: GatewayDep,
    body: Annotated[CreateNodeTokenRequest, Depends(json_body(CreateNodeTokenRequest))],
) -> NodeTokenObject:
    """A one-time token that enrolls one node into the organization; ``token`` is shown only
    in this answer."""
    require_permission(ctx, Permission.NODES_MANAGE)

    def work(session: Session) -> NodeTokenObject:
        created = create_token(
            session, ctx.organization_id, body.name, timedelta(hours=body.ttl_hours)
        )
        return NodeTokenObject(
            id=str(created.id),
            name=created.name,
            prefix=visible_prefix(created.secret),
            status="unused",
            created_at=unix_now(created.created_at),
            expires_at=unix_now(created.expires_at),
            used_at=None,
            node_id=None,
            token=created.secret,
        )

    return await in_session(gateway, work)


@router.get(
    "/{node_id}",
    operation_id="getNode",
    summary="Get an edge node",
    response_model=NodeObject,
    responses=_ERRORS,
)
async def get(ctx: OrgAccess, gateway: GatewayDep, node_id: str) -> NodeObject:
    """One node of the organization (404 for any other)."""
    info = await in_session(gateway, lambda s: _node_in(s, ctx, node_id))
    require_permission(ctx, Permission.NODES_READ)
    return node_object(info, _registry(gateway))


@router.post(
    "/{node_id}/revoke",
    operation_id="revokeNode",
    summary="Revoke an edge node",
    response_model=NodeObject,
    responses=_ERRORS,
)
async def revoke(ctx: OrgAccess, gateway: GatewayDep, node_id: str) -> NodeObject:
    """Revoke a node for good: its credential stops working and no request is routed to it.
    Revoking a revoked node changes nothing."""

    def work(session: Session) -> NodeInfo:
        _node_in(session, ctx, node_id)
        require_permission(ctx, Permission.NODES_MANAGE)
        return revoke_node(session, node_id)

    info = await in_session(gateway, work)
    if gateway.edge is not None:
        gateway.edge.directory.revoke(node_id)
    return node_object(info, _registry(gateway))

"""``/v1/nodes``: how edge nodes join. The node authenticates with what it holds.

``POST /v1/nodes/enroll`` spends a one-time enrollment token (``zgpu nodes token create``) and
answers the node's id, its credential (shown once) and where the fabric is.
``POST /v1/nodes/session`` lets an enrolled node reconnect with its credential; a revoked
node is refused.

The routes need ``app.state.edge_enrollment`` (an :class:`EdgeEnrollment`), set by the app's
lifespan.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Annotated, Any, cast

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from zgpu.api.body import json_body, openapi_body
from zgpu.api.errors import error_responses
from zgpu.edge.geo import GeoPoint
from zgpu.edge.geoip import CallerLocator
from zgpu.edge.nats_auth import issue_node_credentials, public_fabric_url
from zgpu.platform.db import Database
from zgpu.platform.nodes import authenticate_node, enroll

router = APIRouter(prefix="/v1/nodes", tags=["nodes"])


@dataclass(frozen=True, slots=True)
class EdgeEnrollment:
    """What the node routes need: the database and the fabric URL nodes should dial
    (comma-separated for a cluster), the heartbeat interval they should keep, and a
    ``locator`` that places nodes started without ``--lat/--lon`` by GeoIP."""

    database: Database
    nats_url: str
    heartbeat_interval_s: float = 1.0
    locator: CallerLocator | None = None

    def place(self, request: Request) -> GeoPoint | None:
        """Where the calling node is, by its address (``None`` if unknown)."""
        if self.locator is None:
            return None
        peer = request.client.host if request.client is not None else None
        return self.locator.locate(request.headers, peer).point


def get_enrollment(request: Request) -> EdgeEnrollment:
    """The :class:`EdgeEnrollment` the lifespan put on ``app.state``."""
    return cast(EdgeEnrollment, request.app.state.edge_enrollment)


EnrollmentDep = Annotated[EdgeEnrollment, Depends(get_enrollment)]


_NATS_USER_KEY = r"^U[A-Z2-7]{55}$"
"""A node's NATS user public key: its fabric credentials are issued for it (the seed stays on
the node)."""


class EnrollRequest(BaseModel):
    """``token``: the one-time enrollment token; ``name``: how operators will see the node."""

    model_config = ConfigDict(extra="forbid")

    token: str = Field(min_length=1, max_length=256)
    name: str | None = Field(default=None, max_length=200)
    nats_public_key: str | None = Field(default=None, pattern=_NATS_USER_KEY)


class SessionRequest(BaseModel):
    """``credential``: what the node received at enrollment."""

    model_config = ConfigDict(extra="forbid")

    credential: str = Field(min_length=1, max_length=256)
    nats_public_key: str | None = Field(default=None, pattern=_NATS_USER_KEY)


class NodeSessionObject(BaseModel):
    """Where and as whom a node joins the fabric. ``credential`` only on enrollment."""

    object: str = "node.session"
    node_id: str
    organization_id: str
    name: str
    nats_url: str
    heartbeat_interval_s: float
    credential: str | None = None
    lat: float | None = None
    lon: float | None = None
    nats_jwt: str | None = None
    nats_jwt_expires_at: int | None = None
    nats_seed: str | None = None


def _fabric_identity(
    enrollment: EdgeEnrollment, node_id: str, public_key: str | None
) -> dict[str, Any]:
    """The node's NATS JWT (own subjects only, short-lived) when the fabric requires one; the
    seed only when the node sent no public key."""
    issued = issue_node_credentials(enrollment.nats_url, node_id, public_key)
    if issued is None:
        return {}
    return {
        "nats_jwt": issued.jwt,
        "nats_jwt_expires_at": issued.expires_at,
        "nats_seed": issued.seed,
    }


@router.post(
    "/enroll",
    operation_id="enrollNode",
    summary="Enroll an edge node with a one-time token",
    status_code=201,
    response_model=NodeSessionObject,
    responses=error_responses(400, 401, 415),
    openapi_extra=openapi_body(EnrollRequest),
)
async def enroll_node(
    request: Request,
    enrollment: EnrollmentDep,
    body: Annotated[EnrollRequest, Depends(json_body(EnrollRequest))],
) -> NodeSessionObject:
    """Spend the token; the answer holds the node's credential, shown only now, and where the
    gateway places the node by GeoIP (``lat``/``lon``, when known)."""
    where = enrollment.place(request)

    def work() -> NodeSessionObject:
        with enrollment.database.session() as session:
            node = enroll(session, body.token, body.name)
            identity = _fabric_identity(enrollment, node.node_id, body.nats_public_key)
        return NodeSessionObject(
            **identity,
            node_id=node.node_id,
            organization_id=str(node.organization_id),
            name=node.name,
            nats_url=public_fabric_url(enrollment.nats_url),
            heartbeat_interval_s=enrollment.heartbeat_interval_s,
            credential=node.credential,
            lat=where.lat if where else None,
            lon=where.lon if where else None,
        )

    return await asyncio.to_thread(work)


@router.post(
    "/session",
    operation_id="startNodeSession",
    summary="Reconnect an enrolled edge node",
    response_model=NodeSessionObject,
    responses=error_responses(400, 401, 415),
    openapi_extra=openapi_body(SessionRequest),
)
async def start_session(
    enrollment: EnrollmentDep,
    body: Annotated[SessionRequest, Depends(json_body(SessionRequest))],
) -> NodeSessionObject:
    """Where an enrolled node should connect; 401 for an unknown or revoked credential."""

    def work() -> NodeSessionObject:
        with enrollment.database.session() as session:
            node = authenticate_node(session, body.credential)
        return NodeSessionObject(
            **_fabric_identity(enrollment, node.id, body.nats_public_key),
            node_id=node.id,
            organization_id=str(node.organization_id),
            name=node.name,
            nats_url=public_fabric_url(enrollment.nats_url),
            heartbeat_interval_s=enrollment.heartbeat_interval_s,
        )

    return await asyncio.to_thread(work)


nodes_router = router
"""The router to include in the gateway app."""

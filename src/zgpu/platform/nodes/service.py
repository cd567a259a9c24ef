"""Node operations: enrollment tokens, enrollment, listing, revocation, verification outcomes
and edge policies. Callers pass a session and commit it (unit of work)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from zgpu.platform.accounts.models import Organization
from zgpu.platform.db.types import utc_now
from zgpu.platform.errors import InvalidArgument, NotFound, Unauthenticated
from zgpu.platform.names import clean_name
from zgpu.platform.nodes import secret as node_secret
from zgpu.platform.nodes.models import EnrollmentToken, Node
from zgpu.platform.nodes.repository import NodeRepository
from zgpu.platform.nodes.schemas import (
    NODE_NAME_MAX,
    QUARANTINE_REASON_MAX,
    CreatedToken,
    EnrolledNode,
    NodeInfo,
    NodeState,
    NodeTrust,
    ReputationRule,
    TokenInfo,
    TokenStatus,
)
from zgpu.platform.projects.repository import ProjectRepository
from zgpu.platform.projects.schemas import EdgePolicy

DEFAULT_TOKEN_TTL = timedelta(hours=24)
_INVALID_TOKEN = "Invalid enrollment token: it is unknown, used or expired."
_INVALID_CREDENTIAL = "Invalid node credential: it is unknown or the node is revoked."


def create_token(
    session: Session,
    organization_id: uuid.UUID,
    name: str = "node",
    ttl: timedelta = DEFAULT_TOKEN_TTL,
) -> CreatedToken:
    """A one-time enrollment token for the organization, valid for ``ttl``.

    Raises ``NotFound`` (no such organization) and ``InvalidArgument`` (bad name, ttl ≤ 0).
    """
    cleaned = clean_name(name, param="name", max_length=NODE_NAME_MAX)
    if ttl <= timedelta(0):
        raise InvalidArgument("the token lifetime must be positive", param="ttl")
    if session.get(Organization, organization_id) is None:
        raise NotFound(f"organization {organization_id} not found", param="organization_id")
    secret = node_secret.new_token()
    now = utc_now()
    token = NodeRepository(session).add_token(
        EnrollmentToken(
            organization_id=organization_id,
            name=cleaned,
            prefix=node_secret.visible_prefix(secret),
            token_hash=node_secret.digest(secret),
            created_at=now,
            expires_at=now + ttl,
        )
    )
    return CreatedToken(
        id=token.id,
        organization_id=organization_id,
        name=token.name,
        secret=secret,
        created_at=token.created_at,
        expires_at=token.expires_at,
    )


def _token_status(token: EnrollmentToken, now: datetime) -> TokenStatus:
    if token.used_at is not None:
        return TokenStatus.USED
    if token.expires_at <= now:
        return TokenStatus.EXPIRED
    return TokenStatus.UNUSED


def list_tokens(session: Session, organization_id: uuid.UUID) -> list[TokenInfo]:
    """The organization's enrollment tokens, newest first, with their status now."""
    now = utc_now()
    return [
        TokenInfo(
            id=t.id,
            organization_id=t.organization_id,
            name=t.name,
            prefix=t.prefix,
            status=_token_status(t, now),
            created_at=t.created_at,
            expires_at=t.expires_at,
            used_at=t.used_at,
            node_id=t.node_id,
        )
        for t in NodeRepository(session).tokens(organization_id)
    ]


def enroll(session: Session, token: str, name: str | None = None) -> EnrolledNode:
    """Spend ``token``: create a node in the token's organization and return its credential.

    Raises ``Unauthenticated`` when the token is malformed, unknown, used or expired (one
    message for all, so tokens cannot be probed), ``InvalidArgument`` for a bad name.
    """
    if not node_secret.is_token(token):
        raise Unauthenticated(_INVALID_TOKEN, code="invalid_enrollment_token")
    repository = NodeRepository(session)
    record = repository.token_by_hash(node_secret.digest(token), for_update=True)
    now = utc_now()
    if record is None or _token_status(record, now) is not TokenStatus.UNUSED:
        raise Unauthenticated(_INVALID_TOKEN, code="invalid_enrollment_token")
    cleaned = clean_name(name or record.name, param="name", max_length=NODE_NAME_MAX)
    credential = node_secret.new_credential()
    node = repository.add_node(
        Node(
            id=node_secret.new_node_id(),
            organization_id=record.organization_id,
            name=cleaned,
            credential_hash=node_secret.digest(credential),
            status=NodeState.ACTIVE.value,
            reputation=1.0,
            created_at=now,
        )
    )
    record.used_at = now
    record.node_id = node.id
    session.flush()
    return EnrolledNode(node.id, node.organization_id, node.name, credential)


def authenticate_node(session: Session, credential: str) -> NodeInfo:
    """The node holding ``credential``; raises ``Unauthenticated`` if unknown or revoked.

    A quarantined node authenticates (it may be reinstated); routing excludes it.
    """
    if not node_secret.is_credential(credential):
        raise Unauthenticated(_INVALID_CREDENTIAL, code="invalid_node_credential")
    node = NodeRepository(session).by_credential(node_secret.digest(credential))
    if node is None or node.status == NodeState.REVOKED.value:
        raise Unauthenticated(_INVALID_CREDENTIAL, code="invalid_node_credential")
    return _info(node)


def _info(node: Node) -> NodeInfo:
    return NodeInfo(
        id=node.id,
        organization_id=node.organization_id,
        name=node.name,
        status=NodeState(node.status),
        reputation=node.reputation,
        quarantine_reason=node.quarantine_reason,
        lat=node.lat,
        lon=node.lon,
        region=node.region,
        created_at=node.created_at,
        last_seen_at=node.last_seen_at,
        checks=node.checks,
        disagreements=node.disagreements,
    )


def list_nodes(session: Session, organization_id: uuid.UUID | None = None) -> list[NodeInfo]:
    """Nodes, oldest first; one organization's when given (all for the operator)."""
    return [_info(node) for node in NodeRepository(session).nodes(organization_id)]


def get_node(session: Session, node_id: str) -> NodeInfo:
    """One node; raises ``NotFound``."""
    node = NodeRepository(session).get(node_id)
    if node is None:
        raise NotFound(f"node {node_id} not found", param="node_id")
    return _info(node)


def revoke_node(session: Session, node_id: str) -> NodeInfo:
    """Revoke a node for good (its credential stops working). Idempotent; ``NotFound``."""
    node = NodeRepository(session).get(node_id, for_update=True)
    if node is None:
        raise NotFound(f"node {node_id} not found", param="node_id")
    if node.status != NodeState.REVOKED.value:
        node.status = NodeState.REVOKED.value
        node.revoked_at = utc_now()
        session.flush()
    return _info(node)


def reinstate_node(session: Session, node_id: str) -> NodeInfo:
    """Lift a quarantine: active again, reputation reset to 1. ``NotFound``; a revoked node
    stays revoked (``InvalidArgument``)."""
    node = NodeRepository(session).get(node_id, for_update=True)
    if node is None:
        raise NotFound(f"node {node_id} not found", param="node_id")
    if node.status == NodeState.REVOKED.value:
        raise InvalidArgument("a revoked node cannot be reinstated", param="node_id")
    node.status = NodeState.ACTIVE.value
    node.reputation = 1.0
    node.quarantine_reason = None
    session.flush()
    return _info(node)


def record_check(
    session: Session,
    node_id: str,
    *,
    agreed: bool,
    reason: str | None,
    rule: ReputationRule,
) -> NodeTrust:
    """Apply one verification outcome to the node's reputation (row-locked read-modify-write);
    an active node that falls below ``rule.quarantine_below`` is quarantined with ``reason``.

    Raises ``NotFound``.
    """
    node = NodeRepository(session).get(node_id, for_update=True)
    if node is None:
        raise NotFound(f"node {node_id} not found", param="node_id")
    node.checks += 1
    if agreed:
        node.reputation = min(1.0, node.reputation + rule.reward)
    else:
        node.disagreements += 1
        node.reputation = max(0.0, node.reputation - rule.penalty)
    if node.status == NodeState.ACTIVE.value and node.reputation < rule.quarantine_below:
        node.status = NodeState.QUARANTINED.value
        why = reason or "results disagreed with the cloud"
        node.quarantine_reason = (
            f"{node.disagreements} of {node.checks} sampled results disagreed with the cloud; "
            f"last: {why}"
        )[:QUARANTINE_REASON_MAX]
    session.flush()
    return NodeTrust(node.status, node.reputation, node.quarantine_reason)


def note_seen(
    session: Session, node_id: str, lat: float, lon: float, region: str, seen_at: datetime
) -> None:
    """Store the position a node announced and when it was last heard from; unknown ids are
    ignored."""
    node = NodeRepository(session).get(node_id)
    if node is None:
        return
    node.lat, node.lon, node.region, node.last_seen_at = lat, lon, region, seen_at
    session.flush()


def get_edge_policy(session: Session, project_id: uuid.UUID) -> EdgePolicy:
    """The project's edge policy (``any`` unless set). Raises ``NotFound``."""
    project = ProjectRepository(session).get(project_id)
    if project is None:
        raise NotFound(f"project {project_id} not found", param="project_id")
    return EdgePolicy(project.edge_policy)


def set_edge_policy(session: Session, project_id: uuid.UUID, policy: EdgePolicy) -> None:
    """Set the project's edge policy. Raises ``NotFound`` if the project does not exist."""
    project = ProjectRepository(session).get(project_id)
    if project is None:
        raise NotFound(f"project {project_id} not found", param="project_id")
    project.edge_policy = EdgePolicy(policy).value
    session.flush()

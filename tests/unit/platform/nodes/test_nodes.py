from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import update

from zgpu.platform.accounts import create_organization
from zgpu.platform.db import Database
from zgpu.platform.errors import InvalidArgument, NotFound, Unauthenticated
from zgpu.platform.nodes import (
    EdgePolicy,
    EnrollmentToken,
    NodeState,
    NodeTrustStore,
    ReputationRule,
    TokenStatus,
    authenticate_node,
    create_token,
    enroll,
    get_edge_policy,
    get_node,
    list_nodes,
    list_tokens,
    reinstate_node,
    revoke_node,
    set_edge_policy,
)
from zgpu.platform.nodes.models import Node
from zgpu.platform.nodes.secret import digest


@pytest.fixture
def organization_id(db: Database) -> uuid.UUID:
    with db.session() as session:
        return create_organization(session, "Fleet").id


def test_a_token_enrolls_exactly_one_node(db: Database, organization_id: uuid.UUID) -> None:
    with db.session() as session:
        token = create_token(session, organization_id, "laptops")
    assert token.secret.startswith("zgpu-enroll-")
    with db.session() as session:
        node = enroll(session, token.secret, "alice-laptop")
    assert node.organization_id == organization_id
    assert node.credential.startswith("zgpu-node-")
    with db.session() as session, pytest.raises(Unauthenticated):
        enroll(session, token.secret)
    with db.session() as session:
        stored = session.get(Node, node.node_id)
        assert stored is not None
        assert stored.credential_hash == digest(node.credential)
        assert node.credential not in repr(stored.__dict__)
        [listed] = list_tokens(session, organization_id)
        assert (listed.status, listed.node_id) == (TokenStatus.USED, node.node_id)
        assert token.secret not in repr(listed)
        assert authenticate_node(session, node.credential).id == node.node_id


def test_expired_and_forged_tokens_are_refused(db: Database, organization_id: uuid.UUID) -> None:
    with db.session() as session:
        token = create_token(session, organization_id, ttl=timedelta(minutes=5))
        session.execute(
            update(EnrollmentToken)
            .where(EnrollmentToken.id == token.id)
            .values(expires_at=token.created_at - timedelta(seconds=1))
        )
    for secret in (token.secret, "zgpu-enroll-" + "A" * 43, "garbage"):
        with db.session() as session, pytest.raises(Unauthenticated):
            enroll(session, secret)
    with db.session() as session:
        assert list_tokens(session, organization_id)[0].status == TokenStatus.EXPIRED
        with pytest.raises(InvalidArgument):
            create_token(session, organization_id, ttl=timedelta(0))
        with pytest.raises(NotFound):
            create_token(session, uuid.uuid4())


def test_revoked_nodes_cannot_authenticate(db: Database, organization_id: uuid.UUID) -> None:
    with db.session() as session:
        node = enroll(session, create_token(session, organization_id).secret)
    with db.session() as session:
        assert revoke_node(session, node.node_id).status is NodeState.REVOKED
        revoke_node(session, node.node_id)  # idempotent
    with db.session() as session:
        with pytest.raises(Unauthenticated):
            authenticate_node(session, node.credential)
        with pytest.raises(InvalidArgument):
            reinstate_node(session, node.node_id)
        with pytest.raises(NotFound):
            revoke_node(session, "n-missing")


async def test_disagreements_quarantine_a_node_with_a_reason(
    db: Database, organization_id: uuid.UUID
) -> None:
    with db.session() as session:
        node = enroll(session, create_token(session, organization_id).secret)
    store = NodeTrustStore(db, ReputationRule(penalty=0.25, reward=0.01, quarantine_below=0.6))
    assert (await store.record_check(node.node_id, True, None)).status == "active"
    first = await store.record_check(node.node_id, False, "$.iab[0].id: 597 vs 596")
    assert first.status == "active"
    second = await store.record_check(node.node_id, False, "$.iab[0].id: 597 vs 596")
    assert second.status == "quarantined"
    with db.session() as session:
        info = get_node(session, node.node_id)
    assert info.status is NodeState.QUARANTINED
    assert (info.checks, info.disagreements) == (3, 2)
    assert info.quarantine_reason is not None
    assert "597 vs 596" in info.quarantine_reason
    assert [n.id for n in await store.nodes()] == [node.node_id]
    with db.session() as session:
        assert reinstate_node(session, node.node_id).status is NodeState.ACTIVE
        assert list_nodes(session, uuid.uuid4()) == []


def test_edge_policy_defaults_to_any(db: Database, project_id: uuid.UUID) -> None:
    with db.session() as session:
        assert get_edge_policy(session, project_id) is EdgePolicy.ANY
        set_edge_policy(session, project_id, EdgePolicy.CLOUD_ONLY)
    with db.session() as session:
        assert get_edge_policy(session, project_id) is EdgePolicy.CLOUD_ONLY
        set_edge_policy(session, project_id, EdgePolicy.OWN_ORGANIZATION)
        assert get_edge_policy(session, project_id) is EdgePolicy.OWN_ORGANIZATION
        with pytest.raises(NotFound):
            set_edge_policy(session, uuid.uuid4(), EdgePolicy.ANY)

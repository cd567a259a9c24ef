"""Enrollment over HTTP, revocation, and quarantine of a node that tampers with results."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from tests.integration.edge.edge_fleet import CITIES, edge_stack
from zgpu.api.errors import install_error_handlers
from zgpu.api.management.routes_nodes import EdgeEnrollment, nodes_router
from zgpu.edge import EmbeddedNats
from zgpu.edge.geo import GeoPoint
from zgpu.edge.node_agent import EnrollmentFailed, enroll, resume
from zgpu.edge.registry import NodeIdentity, NodeStatus
from zgpu.edge.router import EdgePolicy
from zgpu.platform.accounts import create_organization
from zgpu.platform.db import Database, upgrade_to_head
from zgpu.platform.nodes import (
    NodeState,
    NodeTrustStore,
    ReputationRule,
    create_token,
    get_node,
    revoke_node,
)

TAMPERING = "tests.integration.edge.edge_runners:tampering"
PARIS = GeoPoint(48.86, 2.35)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    url = f"sqlite:///{tmp_path / 'zgpu.db'}"
    upgrade_to_head(url)
    database = Database(url)
    yield database
    database.dispose()


@pytest.fixture
def organization_id(db: Database) -> uuid.UUID:
    with db.session() as session:
        return create_organization(session, "Fleet").id


@pytest.fixture
def gateway(db: Database) -> httpx.ASGITransport:
    app = FastAPI()
    install_error_handlers(app)
    app.include_router(nodes_router)
    app.state.edge_enrollment = EdgeEnrollment(database=db, nats_url="nats://fabric:4222")
    return httpx.ASGITransport(app=app)


def _token(db: Database, organization_id: uuid.UUID) -> str:
    with db.session() as session:
        return create_token(session, organization_id, "test").secret


async def test_enrollment_is_one_time_and_revocation_is_immediate(
    db: Database, organization_id: uuid.UUID, gateway: httpx.ASGITransport
) -> None:
    token = _token(db, organization_id)
    session = await enroll("http://gateway", token, "laptop", transport=gateway)
    assert session.nats_url == "nats://fabric:4222"
    assert session.organization_id == str(organization_id)
    assert session.credential is not None
    with pytest.raises(EnrollmentFailed, match="401"):
        await enroll("http://gateway", token, transport=gateway)
    again = await resume("http://gateway", session.credential, transport=gateway)
    assert again.node_id == session.node_id
    assert again.credential is None
    with db.session() as s:
        revoke_node(s, session.node_id)
    with pytest.raises(EnrollmentFailed, match="401"):
        await resume("http://gateway", session.credential, transport=gateway)


async def test_tampering_node_is_quarantined_and_stops_serving(
    nats_server: EmbeddedNats,
    db: Database,
    organization_id: uuid.UUID,
    gateway: httpx.ASGITransport,
) -> None:
    cheat = await enroll("http://gateway", _token(db, organization_id), transport=gateway)
    honest = await enroll("http://gateway", _token(db, organization_id), transport=gateway)
    store = NodeTrustStore(db, ReputationRule(penalty=0.25, reward=0.01, quarantine_below=0.6))
    async with edge_stack(nats_server.url, store=store) as (stack, _):
        for node in await store.nodes():
            stack.registry.set_identity(NodeIdentity(node.id, node.organization_id))
        await stack.start_node(cheat.node_id, CITIES["london"], runner=TAMPERING, register=False)
        await stack.start_node(honest.node_id, CITIES["frankfurt"], register=False)
        verifier = stack.edge.verifier
        assert verifier is not None
        served = []
        for i in range(2):  # two sampled disagreements reach the threshold
            outcome = await stack.ask(PARIS, f"request {i}")
            served.append(outcome.node_id)
            await verifier.aclose()
        assert served == [cheat.node_id, cheat.node_id]
        with db.session() as session:
            record = get_node(session, cheat.node_id)
        assert record.status is NodeState.QUARANTINED
        assert record.quarantine_reason is not None
        assert "disagreed" in record.quarantine_reason
        for i in range(5):
            outcome = await stack.ask(PARIS, f"after {i}")
            assert outcome.node_id == honest.node_id
            assert outcome.reply.text == f"after {i}"[::-1]
        await verifier.aclose()
        with db.session() as session:
            assert get_node(session, honest.node_id).status is NodeState.ACTIVE


async def test_revoked_node_is_refused_at_once(nats_server: EmbeddedNats) -> None:
    org = uuid.uuid4()
    async with edge_stack(nats_server.url) as (stack, _):
        await stack.start_node("near", CITIES["london"], organization_id=org)
        own = EdgePolicy.OWN_ORGANIZATION
        assert (await stack.ask(PARIS, policy=own, organization_id=org)).node_id == "near"
        stack.registry.set_identity(NodeIdentity("near", org, NodeStatus.REVOKED))
        outcome = await stack.ask(PARIS, policy=own, organization_id=org)
        assert outcome.served_by == "cloud"
        assert outcome.fallback == "no_candidate"
        await asyncio.sleep(0.5)  # its heartbeats keep coming: still refused
        assert stack.registry.get("near") is None

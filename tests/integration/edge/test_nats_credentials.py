"""Per-node NATS credentials on a real nats-server in operator mode: a node's JWT, issued at
enrollment, works for its own subjects and nothing else; the gateway's identity is privileged."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import nats
import pytest
from fastapi import FastAPI
from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg

from tests.integration.edge.fabric_helpers import make_request
from tests.integration.edge.reverse_runner import ReverseRunner
from zgpu.api.errors import install_error_handlers
from zgpu.api.management.routes_nodes import EdgeEnrollment, nodes_router
from zgpu.edge import Dispatcher, EmbeddedNats, FabricError
from zgpu.edge.connection import close_quietly, open_connection
from zgpu.edge.messages import encode
from zgpu.edge.nats_auth import AuthDirectory, FabricCredentials, with_credentials
from zgpu.edge.node_join import EnrollmentFailed, enroll, new_node_key, resume
from zgpu.edge.subjects import INFER_CLOUD, infer_node, node_heartbeat
from zgpu.edge.worker import Worker
from zgpu.platform.accounts import create_organization
from zgpu.platform.db import Database, upgrade_to_head
from zgpu.platform.nodes import create_token, revoke_node


@pytest.fixture
async def secured(tmp_path: Path) -> AsyncIterator[tuple[EmbeddedNats, str]]:
    """An operator-mode server and the gateway's privileged fabric URL."""
    auth = AuthDirectory.load_or_create(tmp_path / "nats-auth")
    async with EmbeddedNats(tmp_path / "nats", auth=auth) as server:
        yield server, with_credentials(server.url, auth.gateway_creds_path)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    url = f"sqlite:///{tmp_path / 'zgpu.db'}"
    upgrade_to_head(url)
    database = Database(url)
    yield database
    database.dispose()


def _gateway(db: Database, fabric_url: str) -> httpx.ASGITransport:
    app = FastAPI()
    install_error_handlers(app)
    app.include_router(nodes_router)
    app.state.edge_enrollment = EdgeEnrollment(database=db, nats_url=fabric_url)
    return httpx.ASGITransport(app=app)


def _token(db: Database) -> str:
    with db.session() as session:
        organization = create_organization(session, f"Fleet {uuid.uuid4().hex[:6]}")
        return create_token(session, organization.id, "test").secret


async def _violations(client: NatsClient, errors: list[Exception]) -> list[str]:
    await client.flush()
    await asyncio.sleep(0.2)
    return [str(e) for e in errors if "permissions violation" in str(e).lower()]


async def test_node_credentials_reach_only_the_nodes_own_subjects(
    secured: tuple[EmbeddedNats, str], db: Database
) -> None:
    server, gateway_url = secured
    gateway = _gateway(db, gateway_url)
    key = new_node_key()
    session = await enroll(
        "http://gateway", _token(db), public_key=key.public_key, transport=gateway
    )
    other = await enroll("http://gateway", _token(db), transport=gateway)
    assert session.nats_url == server.url  # no credentials path handed out
    assert session.nats_seed is None  # the node's seed never travelled
    credentials = session.fabric_credentials(key)
    assert credentials is not None

    # Its own subject works: a node worker answers the gateway's request.
    node = Worker(
        session.nats_url,
        ReverseRunner(),
        worker_id=session.node_id,
        subject=infer_node(session.node_id),
        queue_group="node",
        credentials=credentials,
    )
    await node.start()
    to_node = Dispatcher(gateway_url, subject=infer_node(session.node_id))
    await to_node.connect()
    heartbeats = await nats.connect(
        server.url, user_credentials=str(Path(gateway_url.split("creds=")[1]))
    )
    seen: asyncio.Queue[str] = asyncio.Queue()

    async def on_heartbeat(msg: Msg) -> None:
        seen.put_nowait(msg.subject)

    await heartbeats.subscribe("zgpu.v1.node.heartbeat.*", cb=on_heartbeat)
    await heartbeats.flush()
    errors: list[Exception] = []

    async def on_error(exc: Exception) -> None:
        errors.append(exc)

    raw = await nats.connect(
        session.nats_url,
        user_jwt_cb=credentials.user_jwt,
        signature_cb=credentials.sign_nonce,
        error_cb=on_error,
    )
    try:
        reply = await to_node.dispatch(make_request("edge"), 5.0)
        assert reply.text == "egde"
        await raw.publish(node_heartbeat(session.node_id), b"{}")
        assert await asyncio.wait_for(seen.get(), 5) == node_heartbeat(session.node_id)
        assert await _violations(raw, errors) == []

        # Another node's subjects and the cloud queue are refused by the server.
        await raw.publish(node_heartbeat(other.node_id), b"{}")
        await raw.publish(INFER_CLOUD, encode(make_request("steal")))
        await raw.subscribe(infer_node(other.node_id))
        await raw.subscribe(INFER_CLOUD, queue="cloud")
        await raw.subscribe("zgpu.v1.node.heartbeat.*")
        violations = await _violations(raw, errors)
        assert len(violations) == 5, violations
        assert any(f'publish to "{INFER_CLOUD}"' in v for v in violations)
        assert any(f'subscription to "{INFER_CLOUD}"' in v for v in violations)
        assert seen.empty()  # the spoofed heartbeat never arrived
    finally:
        await close_quietly(raw)
        await close_quietly(heartbeats)
        await to_node.close()
        await node.drain()


async def test_anonymous_expired_and_revoked_nodes_stay_off_the_fabric(
    secured: tuple[EmbeddedNats, str], db: Database
) -> None:
    server, gateway_url = secured
    gateway = _gateway(db, gateway_url)
    with pytest.raises(FabricError):
        await open_connection(server.url, name="anonymous", connect_timeout_s=2)

    auth = AuthDirectory.load_or_create(Path(gateway_url.split("creds=")[1]).parent)
    key = new_node_key()
    expired = auth.issue_node("n00000000000000000001", key.public_key, ttl_s=-5)
    with pytest.raises(FabricError):
        await open_connection(
            server.url,
            name="expired",
            connect_timeout_s=2,
            credentials=FabricCredentials(expired.jwt, key),
        )

    session = await enroll(
        "http://gateway", _token(db), public_key=key.public_key, transport=gateway
    )
    assert session.credential is not None
    renewed = await resume(
        "http://gateway", session.credential, public_key=key.public_key, transport=gateway
    )
    assert renewed.nats_jwt is not None
    client = await open_connection(
        renewed.nats_url, name="renewed", credentials=renewed.fabric_credentials(key)
    )
    await close_quietly(client)
    with db.session() as s:
        revoke_node(s, session.node_id)
    with pytest.raises(EnrollmentFailed, match="401"):
        await resume(
            "http://gateway", session.credential, public_key=key.public_key, transport=gateway
        )

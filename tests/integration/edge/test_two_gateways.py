"""Two gateway processes share one database and a three-server NATS cluster (operator mode, as
``zgpu serve`` runs it): a node enrolled through gateway A and connected to server 3 only is
served through gateway B, and revoking it through B stops A from routing to it.

The gateways run in their own processes (:func:`serve_gateway`), each dialing the cluster from
a different server; the cloud worker is a process on server 1 answering with the reverse
runner, and so is the node (in the test's process), so only the response headers tell who
served.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.integration.edge.fabric_helpers import spawn_worker
from tests.integration.edge.reverse_runner import ReverseRunner
from zgpu.edge.geo import GeoPoint
from zgpu.edge.nats_auth import AuthDirectory, with_credentials
from zgpu.edge.nats_cluster import NatsCluster
from zgpu.edge.node_agent import NodeAgent, NodeAgentConfig
from zgpu.edge.node_join import enroll, new_node_key
from zgpu.platform.accounts import create_organization
from zgpu.platform.admin_keys import create_admin_key
from zgpu.platform.db import Database, upgrade_to_head
from zgpu.platform.keys import create_key
from zgpu.platform.projects import create_project

ROOT = Path(__file__).parents[3]
MODEL = "zlm-v1-summary-cloud"
TEXT = "Two gateways, one fleet."
PARIS = "48.86,2.35"
REFRESH_S = 0.2


def serve_gateway(argv: Sequence[str]) -> None:
    """Run one gateway until killed: ``DATABASE_URL NATS_URL DATA_DIR`` (prints its URL)."""
    import uvicorn
    from tokenizers import Tokenizer
    from tokenizers.models import WordLevel

    from zgpu.api.app import create_app
    from zgpu.config import Settings
    from zgpu.nlm.registry import ModelRegistry
    from zgpu.nlm.window import ContextWindow

    database_url, nats_url, data_dir = argv
    settings = Settings(
        data_dir=Path(data_dir),
        database_url=database_url,
        nats_url=nats_url,
        billing_enforced=False,
        node_heartbeat_s=0.2,
        node_identity_refresh_s=REFRESH_S,
        edge_verify_sample=0.0,
    )
    window = ContextWindow(Tokenizer(WordLevel({"[UNK]": 0}, unk_token="[UNK]")))
    app = create_app(settings, window, ModelRegistry())
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    print(f"http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
    uvicorn.Server(uvicorn.Config(app, log_config=None, access_log=False)).run(sockets=[sock])


@dataclass
class Gateway:
    url: str
    admin: httpx.AsyncClient
    """Authenticated with an admin key of the organization."""

    async def ask(self, key: str) -> httpx.Response:
        async with httpx.AsyncClient(base_url=self.url, timeout=30) as client:
            return await client.post(
                "/v1/responses",
                json={"model": MODEL, "input": TEXT},
                headers={"x-api-key": key, "x-zerogpu-location": PARIS},
            )


@dataclass
class Setup:
    a: Gateway
    b: Gateway
    key: str
    node_id: str


def _start_gateway(database_url: str, nats_url: str, data_dir: Path) -> subprocess.Popen[bytes]:
    data_dir.mkdir(parents=True)
    code = "import sys; from tests.integration.edge.test_two_gateways import serve_gateway; "
    code += "serve_gateway(sys.argv[1:])"
    return subprocess.Popen(
        [sys.executable, "-c", code, database_url, nats_url, str(data_dir)],
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        start_new_session=True,
    )


async def _ready(process: subprocess.Popen[bytes], admin_secret: str) -> Gateway:
    assert process.stdout is not None
    url = (await asyncio.to_thread(process.stdout.readline)).decode().strip()
    assert url.startswith("http://"), url
    admin = httpx.AsyncClient(
        base_url=url, headers={"authorization": f"Bearer {admin_secret}"}, timeout=30
    )
    for _ in range(600):
        try:
            if (await admin.get("/readyz")).status_code == 200:
                return Gateway(url, admin)
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.1)
    raise AssertionError(f"the gateway at {url} never became ready")


async def _until(
    condition: Callable[[], Awaitable[bool]], what: str, timeout_s: float = 30.0
) -> None:
    deadline = time.monotonic() + timeout_s
    while not await condition():
        assert time.monotonic() < deadline, what
        await asyncio.sleep(0.05)


@pytest.fixture
async def setup(tmp_path: Path) -> AsyncIterator[Setup]:
    auth = AuthDirectory.load_or_create(tmp_path / "nats-auth")
    database_url = f"sqlite:///{tmp_path / 'zgpu.db'}"
    upgrade_to_head(database_url)
    database = Database(database_url)
    try:
        with database.session() as session:
            organization = create_organization(session, "Two gateways")
            project = create_project(session, organization.id, "Edge")
            key = create_key(session, project.id, "edge").secret
            admin_secret = create_admin_key(session, organization.id, "edge", None).secret
    finally:
        database.dispose()
    async with NatsCluster(tmp_path / "cluster", 3, auth=auth) as cluster:
        s1, s2, s3 = cluster.servers
        creds = auth.gateway_creds_path
        cloud = await spawn_worker(
            with_credentials(s1.url, creds), "cloud-1", runner="reverse_runner:slow"
        )
        processes = [
            _start_gateway(
                database_url, with_credentials(f"{s1.url},{s2.url},{s3.url}", creds), tmp_path / "a"
            ),
            _start_gateway(
                database_url, with_credentials(f"{s2.url},{s3.url},{s1.url}", creds), tmp_path / "b"
            ),
        ]
        agent: NodeAgent | None = None
        gateways: list[Gateway] = []
        try:
            for process in processes:
                gateways.append(await _ready(process, admin_secret))
            a, b = gateways
            # Enrolled through gateway A, with the node's own key; served from server 3 only.
            token = await a.admin.post(
                "/v1/organization/nodes/tokens", json={"name": "n", "ttl_hours": 1}
            )
            assert token.status_code == 201, token.text
            node_key = new_node_key()
            joined = await enroll(a.url, token.json()["token"], public_key=node_key.public_key)
            # The node is told every server; it dials the third one only.
            assert set(joined.nats_url.split(",")) == {s1.url, s2.url, s3.url}
            agent = NodeAgent(
                s3.url,
                joined.node_id,
                ReverseRunner(),
                NodeAgentConfig(
                    position=GeoPoint(51.51, -0.13),
                    models_cached=(MODEL,),
                    concurrency=4,
                    heartbeat_interval_s=joined.heartbeat_interval_s,
                ),
                joined.fabric_credentials(node_key),
            )
            await agent.start()
            yield Setup(a, b, key, joined.node_id)
        finally:
            if agent is not None:
                await agent.drain()
            for gateway in gateways:
                await gateway.admin.aclose()
            for process in processes:
                process.terminate()
            for process in processes:
                try:
                    process.wait(30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(30)
            cloud.terminate()
            await cloud.wait()


async def test_a_node_on_any_server_is_served_and_revoked_through_either_gateway(
    setup: Setup,
) -> None:
    a, b, node_id = setup.a, setup.b, setup.node_id

    async def served_by_node(gateway: Gateway) -> bool:
        answer = await gateway.ask(setup.key)
        assert answer.status_code == 200, answer.text
        return answer.headers["x-zerogpu-node-id"] == node_id

    # Gateway B never saw the enrollment: it learns the node from the database and the
    # node's heartbeats, which reach it through the cluster.
    await _until(lambda: served_by_node(b), "gateway B never routed to the node")
    for gateway in (b, a, b):
        answer = await gateway.ask(setup.key)
        assert answer.status_code == 200, answer.text
        assert answer.headers["x-zerogpu-served-by"] == "edge"
        assert answer.headers["x-zerogpu-node-id"] == node_id
        assert answer.json()["output"][0]["content"][0]["text"] == TEXT[::-1]
    listed = (await b.admin.get(f"/v1/organization/nodes/{node_id}")).json()
    assert listed["status"] == "online"

    revoked = await b.admin.post(f"/v1/organization/nodes/{node_id}/revoke")
    assert revoked.status_code == 200, revoked.text
    # Gateway A reads the revocation from the database (every REFRESH_S): about a second at
    # most, with room for a busy machine.
    started = time.monotonic()

    async def a_routes_elsewhere() -> bool:
        return not await served_by_node(a)

    await _until(a_routes_elsewhere, "gateway A kept routing to a revoked node", 5.0)
    elapsed = time.monotonic() - started
    for gateway in (a, b, a):
        answer = await gateway.ask(setup.key)
        assert answer.status_code == 200, answer.text
        assert answer.headers["x-zerogpu-served-by"] == "cloud"
        assert answer.headers["x-zerogpu-node-id"] == "cloud-1"
    assert (await a.admin.get(f"/v1/organization/nodes/{node_id}")).json()["status"] == "revoked"
    print(f"gateway A stopped routing to the revoked node {elapsed:.2f} s after the revoke")

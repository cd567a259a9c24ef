"""The edge network inside a real gateway: the gateway app under uvicorn (real NATS server,
SQLite, a real ``zgpu node --cloud`` worker running the models) and edge node processes
enrolled through its HTTP API.

Nodes run the reverse runner (they answer the input reversed), so an answer shows by its text
alone whether a node or the cloud model produced it. Verification is off here: the cloud would
disagree with every node (tests/integration/edge/test_edge_trust.py covers quarantine).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from tokenizers import Tokenizer
from tokenizers.models import WordLevel

from tests.support.server import NatsProcess, WorkerProcess
from zgpu.api.app import create_app
from zgpu.config import Settings
from zgpu.nlm.registry import ModelRegistry
from zgpu.nlm.window import ContextWindow
from zgpu.platform.accounts import create_organization
from zgpu.platform.admin_keys import create_admin_key
from zgpu.platform.db import Database, upgrade_to_head
from zgpu.platform.keys import create_key
from zgpu.platform.projects import create_project

ROOT = Path(__file__).parents[3]
MODEL = "zlm-v1-summary-cloud"
TEXT = (
    "The city council approved a new cycling network on Tuesday. "
    "The plan adds forty kilometres of protected lanes over three years. "
    "Construction starts in the spring."
)
REVERSED = TEXT[::-1]
PARIS, OSAKA = "48.86,2.35", "34.69,135.50"
LONDON, TOKYO = (51.51, -0.13), (35.68, 139.69)


@dataclass
class Fleet:
    """The gateway, an inference key of a project, an admin key of its organization, and node
    processes."""

    url: str
    key: str
    project_id: str
    admin: httpx.Client
    nodes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def ask(self, key: str | None = None, hint: str | None = PARIS) -> httpx.Response:
        headers = {"x-api-key": key or self.key}
        if hint:
            headers["x-zerogpu-location"] = hint
        return httpx.post(
            f"{self.url}/v1/responses",
            json={"model": MODEL, "input": TEXT},
            headers=headers,
            timeout=30,
        )

    def enroll(self, name: str) -> dict[str, Any]:
        """A token from the management API, spent on ``POST /v1/nodes/enroll``."""
        token = self.admin.post(
            "/v1/organization/nodes/tokens", json={"name": name, "ttl_hours": 1}
        )
        assert token.status_code == 201, token.text
        assert token.json()["token"].startswith("zgpu-enroll-")
        enrolled = self.admin.post("/v1/nodes/enroll", json={"token": token.json()["token"]})
        assert enrolled.status_code == 201, enrolled.text
        session: dict[str, Any] = enrolled.json()
        return session

    def start_node(self, name: str, where: tuple[float, float]) -> dict[str, Any]:
        """Enroll a node and run it at ``where``; returns its session once it is online."""
        session = self.enroll(name)
        node_id = session["node_id"]
        process = subprocess.Popen(
            [sys.executable, "-m", "zgpu.edge.node_main",
             "--nats", session["nats_url"], "--node-id", node_id,
             "--runner", "tests.integration.edge.edge_runners:reverse", "--models", MODEL,
             "--lat", str(where[0]), "--lon", str(where[1]), "--concurrency", "4",
             "--interval", str(session["heartbeat_interval_s"])],
            stdout=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            start_new_session=True,
        )  # fmt: skip
        self.nodes[node_id] = process
        assert process.stdout is not None
        assert process.stdout.readline().decode().strip() == f"ready {node_id}"
        until(lambda: self.node(node_id)["status"] == "online", 20)
        return session

    def node(self, node_id: str) -> dict[str, Any]:
        response = self.admin.get(f"/v1/organization/nodes/{node_id}")
        assert response.status_code == 200, response.text
        node: dict[str, Any] = response.json()
        return node

    def log_row(self, project_id: str, request_id: str) -> dict[str, Any]:
        response = self.admin.get(f"/v1/organization/projects/{project_id}/logs/{request_id}")
        assert response.status_code == 200, response.text
        row: dict[str, Any] = response.json()
        return row

    def stop_nodes(self, sig: int = signal.SIGTERM) -> None:
        for process in self.nodes.values():
            if process.poll() is None:
                process.send_signal(sig)
        for process in self.nodes.values():
            process.wait(30)
        self.nodes.clear()


def until(condition: Callable[[], bool], timeout_s: float) -> None:
    """Wait for ``condition``; fail after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)


@dataclass
class Gateway:
    """A running gateway: its URL and database URL."""

    url: str
    database_url: str


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    """NATS, a cloud worker with the real models, and the gateway app on a free port, with
    fast heartbeats and identity refresh."""
    root = tmp_path_factory.mktemp("edge-gateway")
    nats = NatsProcess(root / "nats").start()
    cloud = WorkerProcess(nats.url, root / "cloud", "cloud-1").start()
    database_url = f"sqlite:///{root / 'zgpu.db'}"
    upgrade_to_head(database_url)
    settings = Settings(
        data_dir=root,
        database_url=database_url,
        nats_url=nats.url,
        billing_enforced=False,
        node_heartbeat_s=0.2,
        node_identity_refresh_s=0.2,
        edge_verify_sample=0.0,
    )
    window = ContextWindow(Tokenizer(WordLevel({"[UNK]": 0}, unk_token="[UNK]")))
    app = create_app(settings, window, ModelRegistry())
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_config=None, access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        until(lambda: server.started, 30)
        yield Gateway(f"http://127.0.0.1:{sock.getsockname()[1]}", database_url)
    finally:
        server.should_exit = True
        thread.join(30)
        sock.close()
        cloud.stop()
        nats.stop()


@pytest.fixture
def fleet(gateway: Gateway) -> Iterator[Fleet]:
    """A new organization with a project, its inference key and an admin key; the cloud
    worker answering; nodes stopped after the test."""
    database = Database(gateway.database_url)
    try:
        with database.session() as session:
            organization = create_organization(session, f"Org {uuid.uuid4().hex[:6]}")
            project = create_project(session, organization.id, "Edge")
            key = create_key(session, project.id, "edge").secret
            admin_secret = create_admin_key(session, organization.id, "edge", None).secret
            project_id = str(project.id)
    finally:
        database.dispose()
    admin = httpx.Client(
        base_url=gateway.url, headers={"authorization": f"Bearer {admin_secret}"}, timeout=30
    )
    fleet = Fleet(gateway.url, key, project_id, admin)
    until(lambda: fleet.ask().status_code == 200, 120)  # the cloud worker has loaded
    try:
        yield fleet
    finally:
        fleet.stop_nodes()
        admin.close()


def test_the_nearest_node_answers_and_says_so_in_headers_and_log(fleet: Fleet) -> None:
    london = fleet.start_node("london", LONDON)["node_id"]
    tokyo = fleet.start_node("tokyo", TOKYO)["node_id"]

    near_paris = fleet.ask(hint=PARIS)
    assert near_paris.status_code == 200, near_paris.text
    assert near_paris.headers["x-zerogpu-served-by"] == "edge"
    assert near_paris.headers["x-zerogpu-node-id"] == london
    assert near_paris.json()["output"][0]["content"][0]["text"] == REVERSED
    near_osaka = fleet.ask(hint=OSAKA)
    assert near_osaka.headers["x-zerogpu-served-by"] == "edge"
    assert near_osaka.headers["x-zerogpu-node-id"] == tokyo
    assert near_osaka.headers["x-zerogpu-region"] != near_paris.headers["x-zerogpu-region"]

    row = fleet.log_row(fleet.project_id, near_paris.headers["x-request-id"])
    assert (row["route"], row["served_by"]) == ("edge", london)
    assert row["region"] == near_paris.headers["x-zerogpu-region"]

    listed = fleet.admin.get("/v1/organization/nodes").json()
    assert listed["object"] == "list"
    shown = {node["id"]: node for node in listed["data"]}
    assert shown[london]["status"] == "online"
    assert shown[london]["models"] == [MODEL]
    assert shown[london]["concurrency"] == 4
    assert shown[london]["lat"] == pytest.approx(LONDON[0])
    assert shown[tokyo]["region"] == near_osaka.headers["x-zerogpu-region"]


def test_a_cloud_only_project_never_reaches_a_node(fleet: Fleet) -> None:
    fleet.start_node("paris", (48.86, 2.35))
    project = fleet.admin.post("/v1/organization/projects", json={"name": uuid.uuid4().hex})
    assert project.status_code == 201, project.text
    assert project.json()["edge_policy"] == "any"
    project_id = project.json()["id"]
    key = fleet.admin.post(f"/v1/organization/projects/{project_id}/api_keys", json={})
    assert key.status_code == 201, key.text
    patched = fleet.admin.patch(
        f"/v1/organization/projects/{project_id}", json={"edge_policy": "cloud_only"}
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["edge_policy"] == "cloud_only"
    assert fleet.admin.get(f"/v1/organization/projects/{project_id}").json()["edge_policy"] == (
        "cloud_only"
    )

    for _ in range(5):
        answer = fleet.ask(key.json()["value"])
        assert answer.status_code == 200, answer.text
        assert answer.headers["x-zerogpu-served-by"] == "cloud"
        assert answer.headers["x-zerogpu-region"] == "cloud"
        assert answer.json()["output"][0]["content"][0]["text"] != REVERSED
    row = fleet.log_row(project_id, answer.headers["x-request-id"])
    assert (row["route"], row["region"]) == ("cloud", "cloud")
    assert fleet.ask().headers["x-zerogpu-served-by"] == "edge"  # the node was there all along


def test_a_revoked_node_is_refused_at_once(fleet: Fleet) -> None:
    session = fleet.start_node("doomed", (48.86, 2.35))
    node_id = session["node_id"]
    fleet.start_node("backup", LONDON)
    assert fleet.ask().headers["x-zerogpu-node-id"] == node_id

    revoked = fleet.admin.post(f"/v1/organization/nodes/{node_id}/revoke")
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["status"] == "revoked"
    again = fleet.admin.post("/v1/nodes/session", json={"credential": session["credential"]})
    assert again.status_code == 401, again.text
    for _ in range(5):
        answer = fleet.ask()
        assert answer.status_code == 200, answer.text
        assert answer.headers["x-zerogpu-node-id"] != node_id
    assert fleet.node(node_id)["status"] == "revoked"


def test_killing_every_node_mid_load_fails_no_request(fleet: Fleet) -> None:
    fleet.start_node("first", LONDON)
    fleet.start_node("second", (48.86, 2.35))
    served: list[str] = []

    def one(_: int) -> int:
        answer = fleet.ask()
        served.append(answer.headers.get("x-zerogpu-served-by", ""))
        return answer.status_code

    with ThreadPoolExecutor(6) as pool:
        first = list(pool.map(one, range(24)))
        running = [pool.submit(one, n) for n in range(48)]
        time.sleep(0.2)
        fleet.stop_nodes(signal.SIGKILL)
        rest = [future.result() for future in running]
    assert set(first) | set(rest) == {200}
    assert "edge" in served[:24]
    assert fleet.ask().headers["x-zerogpu-served-by"] == "cloud"

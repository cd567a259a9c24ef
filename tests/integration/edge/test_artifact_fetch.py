"""Nodes fetch model artifacts from the gateway by sha256 and refuse what does not verify."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from zgpu.api.errors import install_error_handlers
from zgpu.api.management.routes_nodes import EdgeEnrollment, nodes_router
from zgpu.api.routes import node_artifacts
from zgpu.edge.artifact_fetch import ArtifactFetcher, ArtifactFetchFailed
from zgpu.edge.node_join import enroll
from zgpu.nlm.artifacts import ArtifactStore, sha256_file
from zgpu.platform.accounts import create_organization
from zgpu.platform.db import Database, upgrade_to_head
from zgpu.platform.nodes import create_token, revoke_node


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    url = f"sqlite:///{tmp_path / 'zgpu.db'}"
    upgrade_to_head(url)
    database = Database(url)
    yield database
    database.dispose()


@pytest.fixture
def gateway_store(tmp_path: Path) -> ArtifactStore:
    store = ArtifactStore(tmp_path / "gateway-models")
    onnx = store.put_bytes(b"\x00model" * 300_000, "onnx")
    tokenizer = store.put_bytes(b'{"vocab": ["a"]}', "json")
    store.record("recipe-1", {"onnx": onnx, "tokenizer": tokenizer})
    return store


@pytest.fixture
def gateway(db: Database, gateway_store: ArtifactStore) -> httpx.ASGITransport:
    app = FastAPI()
    install_error_handlers(app)
    app.include_router(nodes_router)
    app.include_router(node_artifacts.router_for(gateway_store.root))
    app.state.edge_enrollment = EdgeEnrollment(database=db, nats_url="nats://fabric:4222")
    return httpx.ASGITransport(app=app)


async def _credential(db: Database, gateway: httpx.ASGITransport) -> tuple[str, str]:
    with db.session() as session:
        organization = create_organization(session, f"Fleet {uuid.uuid4().hex[:6]}")
        token = create_token(session, organization.id, "test").secret
    joined = await enroll("http://gateway", token, transport=gateway)
    assert joined.credential is not None
    return joined.node_id, joined.credential


async def test_a_node_fetches_verifies_and_can_load_the_gateways_artifacts(
    tmp_path: Path, db: Database, gateway: httpx.ASGITransport, gateway_store: ArtifactStore
) -> None:
    _, credential = await _credential(db, gateway)
    progress: list[tuple[str, int, int]] = []
    node_dir = tmp_path / "node-models"
    fetcher = ArtifactFetcher(
        "http://gateway",
        credential,
        node_dir,
        transport=gateway,
        progress=lambda name, done, total: progress.append((name, done, total)),
    )
    fetched = await fetcher.sync()
    assert sorted(p.name for p in fetched) == sorted(
        p.name for p in gateway_store.root.glob("sha256-*")
    )
    for path in fetched:
        assert path.name == f"sha256-{sha256_file(path)}.{path.suffix[1:]}"
    assert progress[-1][1] == progress[-1][2] > 0
    assert list(node_dir.glob(".fetch-*")) == []
    # The node's own store now resolves the recipe to verified files, as the runtime will.
    local = ArtifactStore(node_dir)
    entry = local.lookup("recipe-1")
    assert entry is not None
    assert local.verify(entry["onnx"]).is_file()
    assert await fetcher.sync() == []  # nothing left to fetch


async def test_a_mismatching_artifact_is_refused_and_not_kept(
    tmp_path: Path, db: Database, gateway: httpx.ASGITransport, gateway_store: ArtifactStore
) -> None:
    _, credential = await _credential(db, gateway)
    entry = gateway_store.lookup("recipe-1")
    assert entry is not None
    gateway_store.path_for(entry["onnx"]).write_bytes(b"tampered")
    node_dir = tmp_path / "node-models"
    fetcher = ArtifactFetcher("http://gateway", credential, node_dir, transport=gateway)
    with pytest.raises(ArtifactFetchFailed) as caught:
        await fetcher.fetch(entry["onnx"], "onnx")
    assert caught.value.code == "artifact_mismatch"
    assert [p.name for p in node_dir.iterdir()] == []
    with pytest.raises(ArtifactFetchFailed, match="404"):
        await fetcher.fetch("0" * 64, "onnx")


async def test_artifacts_need_a_live_node_credential(
    db: Database, gateway: httpx.ASGITransport, gateway_store: ArtifactStore
) -> None:
    node_id, credential = await _credential(db, gateway)
    sha = json.loads((gateway_store.root / "manifest.json").read_text())["recipes"]["recipe-1"]
    async with httpx.AsyncClient(transport=gateway, base_url="http://gateway") as client:
        path = f"/v1/nodes/artifacts/{sha['tokenizer']}"
        assert (await client.get(path)).status_code == 401
        bad = {"authorization": "Bearer zgpu-node-" + "x" * 43}
        assert (await client.get(path, headers=bad)).status_code == 401
        good = {"authorization": f"Bearer {credential}"}
        answer = await client.get(path, headers=good)
        assert answer.status_code == 200
        assert answer.content == b'{"vocab": ["a"]}'
        assert answer.headers[node_artifacts.ARTIFACT_SHA_HEADER] == sha["tokenizer"]
        with db.session() as session:
            revoke_node(session, node_id)
        assert (await client.get(path, headers=good)).status_code == 401
        assert (await client.get("/v1/nodes/artifacts", headers=good)).status_code == 401

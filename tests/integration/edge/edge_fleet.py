"""A gateway-side edge stack and real node processes on loopback, for the edge tests."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests.integration.edge.reverse_runner import ReverseRunner
from zgpu.edge import DispatchConfig, Dispatcher, InferRequest, Worker, deadline_after
from zgpu.edge.edge_dispatch import DispatchOutcome, EdgeDispatchConfig, EdgeDispatcher
from zgpu.edge.geo import GeoPoint
from zgpu.edge.registry import NodeIdentity, NodeRegistry, RegistryConfig
from zgpu.edge.router import EdgePolicy, Router
from zgpu.edge.verification import TrustStore, VerificationConfig, Verifier

HERE = Path(__file__).parent
ROOT = HERE.parents[2]
MODEL = "zlm-test"
INTERVAL_S = 0.2
"""Heartbeat interval of test nodes: out of the pool after 0.6 s of silence."""

CITIES = {
    "london": GeoPoint(51.51, -0.13),
    "frankfurt": GeoPoint(50.11, 8.68),
    "newyork": GeoPoint(40.71, -74.01),
    "saopaulo": GeoPoint(-23.55, -46.63),
    "tokyo": GeoPoint(35.68, 139.69),
    "sydney": GeoPoint(-33.87, 151.21),
}


@dataclass
class EdgeStack:
    """The gateway side: registry, router, cloud dispatcher, edge dispatcher; and nodes."""

    nats_url: str
    registry: NodeRegistry
    edge: EdgeDispatcher
    nodes: dict[str, asyncio.subprocess.Process] = field(default_factory=dict)

    async def start_node(
        self,
        node_id: str,
        where: GeoPoint,
        *,
        runner: str = "tests.integration.edge.edge_runners:reverse",
        models: str = MODEL,
        concurrency: int = 2,
        organization_id: uuid.UUID | None = None,
        register: bool = True,
    ) -> asyncio.subprocess.Process:
        """A node process at ``where``; returns once it is in the registry's pool."""
        if register:
            self.registry.set_identity(NodeIdentity(node_id, organization_id))
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "zgpu.edge.node_main",
            "--nats", self.nats_url, "--node-id", node_id,
            "--lat", str(where.lat), "--lon", str(where.lon),
            "--runner", runner, "--models", models,
            "--concurrency", str(concurrency), "--interval", str(INTERVAL_S),
            stdout=asyncio.subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), str(ROOT)])},
        )  # fmt: skip
        self.nodes[node_id] = process
        assert process.stdout is not None
        line = await asyncio.wait_for(process.stdout.readline(), 120)
        assert line.decode().strip() == f"ready {node_id}", line
        await asyncio.wait_for(self.until_live(node_id), 30)
        return process

    async def until_live(self, node_id: str) -> None:
        while True:
            node = self.registry.get(node_id)
            if node is not None and self.registry.is_live(node, self.registry.now()):
                return
            await asyncio.sleep(0.02)

    async def until_gone(self, node_id: str) -> None:
        while True:
            node = self.registry.get(node_id)
            if node is None or not self.registry.is_live(node, self.registry.now()):
                return
            await asyncio.sleep(0.02)

    async def ask(
        self,
        origin: GeoPoint,
        text: str = "hello edge",
        *,
        policy: EdgePolicy = EdgePolicy.ANY,
        organization_id: uuid.UUID | None = None,
        model: str = MODEL,
    ) -> DispatchOutcome:
        request = InferRequest(
            request_id=f"req-{uuid.uuid4().hex[:10]}",
            model=model,
            text=text,
            deadline_unix_ms=deadline_after(10),
        )
        return await self.edge.dispatch(
            request, origin=origin, policy=policy, organization_id=organization_id, deadline_s=10
        )

    async def stop_nodes(self) -> None:
        for process in self.nodes.values():
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
        await asyncio.gather(*(p.wait() for p in self.nodes.values()))


@asynccontextmanager
async def edge_stack(
    nats_url: str,
    *,
    store: TrustStore | None = None,
    config: EdgeDispatchConfig | None = None,
) -> AsyncIterator[tuple[EdgeStack, Dispatcher]]:
    """A cloud worker (reverse runner), a cloud dispatcher and an edge dispatcher; with a
    ``store``, every edge result is re-run on the cloud and checked."""
    registry = NodeRegistry(RegistryConfig(interval_s=INTERVAL_S, rejoin_after=3))
    cloud_worker = Worker(nats_url, ReverseRunner(), worker_id="cloud-1", concurrency=8)
    await cloud_worker.start()
    cloud = Dispatcher(nats_url, DispatchConfig(attempt_timeout_s=2.0))
    await cloud.connect()
    verifier = None
    if store is not None:
        verifier = Verifier(cloud, registry, store, VerificationConfig(sample_rate=1.0))
    edge = EdgeDispatcher(nats_url, cloud, Router(registry), verifier=verifier, config=config)
    await edge.start()
    stack = EdgeStack(nats_url, registry, edge)
    try:
        yield stack, cloud
    finally:
        await stack.stop_nodes()
        await edge.close()
        await cloud.close()
        await cloud_worker.drain()

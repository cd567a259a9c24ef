"""A three-server NATS cluster (operator mode, routes on loopback) serves one fleet: a cloud
worker, an edge node and a gateway each on a different server reach one another, and requests
keep succeeding while servers restart under them."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.integration.edge.edge_fleet import CITIES, INTERVAL_S, MODEL
from tests.integration.edge.fabric_helpers import make_request
from tests.integration.edge.reverse_runner import ReverseRunner
from zgpu.edge import DispatchConfig, Dispatcher, Worker
from zgpu.edge.edge_dispatch import DispatchOutcome, EdgeDispatcher
from zgpu.edge.nats_auth import AuthDirectory, FabricCredentials, with_credentials
from zgpu.edge.nats_cluster import NatsCluster
from zgpu.edge.node_agent import NodeAgent, NodeAgentConfig
from zgpu.edge.node_join import new_node_key
from zgpu.edge.registry import NodeIdentity, NodeRegistry, RegistryConfig
from zgpu.edge.router import EdgePolicy, Router

NODE = "nclusternode0000000001"
PARIS = CITIES["london"]


@dataclass
class Fleet:
    cluster: NatsCluster
    registry: NodeRegistry
    edge: EdgeDispatcher

    async def ask(self, text: str) -> DispatchOutcome:
        request = make_request(text, model=MODEL, deadline_s=20)
        return await self.edge.dispatch(
            request, origin=PARIS, policy=EdgePolicy.ANY, organization_id=None, deadline_s=20
        )

    async def until_served_by_edge(self) -> None:
        for _ in range(300):
            if (await self.ask("after")).served_by == "edge":
                return
            await asyncio.sleep(0.1)
        raise AssertionError("the node never served again")

    async def until_node_live(self) -> None:
        while True:
            node = self.registry.get(NODE)
            if node is not None and self.registry.is_live(node, self.registry.now()):
                return
            await asyncio.sleep(0.02)


@pytest.fixture
async def fleet(tmp_path: Path) -> AsyncIterator[Fleet]:
    auth = AuthDirectory.load_or_create(tmp_path / "nats-auth")
    async with NatsCluster(tmp_path / "cluster", 3, auth=auth) as cluster:
        s0, s1, s2 = cluster.servers
        privileged = auth.gateway_creds_path
        # The cloud worker dials server 0 only (it learns the others from the cluster).
        cloud_worker = Worker(
            with_credentials(s0.url, privileged), ReverseRunner(), "cloud-1", concurrency=4
        )
        await cloud_worker.start()
        # The gateway is given the whole cluster, server 2 first.
        gateway_url = with_credentials(f"{s2.url},{s0.url},{s1.url}", privileged)
        cloud = Dispatcher(gateway_url, DispatchConfig(attempt_timeout_s=1.0))
        await cloud.connect()
        registry = NodeRegistry(RegistryConfig(interval_s=INTERVAL_S, rejoin_after=3))
        registry.set_identity(NodeIdentity(NODE, uuid.uuid4()))
        edge = EdgeDispatcher(gateway_url, cloud, Router(registry))
        await edge.start()
        # The edge node dials server 1 with its own, limited credentials.
        key = new_node_key()
        issued = auth.issue_node(NODE, key.public_key)
        node = NodeAgent(
            s1.url,
            NODE,
            ReverseRunner(),
            NodeAgentConfig(
                position=CITIES["frankfurt"],
                models_cached=(MODEL,),
                concurrency=4,
                heartbeat_interval_s=INTERVAL_S,
            ),
            FabricCredentials(issued.jwt, key),
        )
        await node.start()
        try:
            fleet = Fleet(cluster, registry, edge)
            await asyncio.wait_for(fleet.until_node_live(), 30)
            yield fleet
        finally:
            await edge.close()
            await cloud.close()
            await node.drain()
            await cloud_worker.drain()


async def test_every_member_reaches_every_other(fleet: Fleet) -> None:
    outcomes = [await fleet.ask(f"hello {i}") for i in range(4)]
    assert [o.reply.text for o in outcomes] == [f"hello {i}"[::-1] for i in range(4)]
    assert {o.served_by for o in outcomes} == {"edge"}
    assert {o.node_id for o in outcomes} == {NODE}
    cloud = await fleet.edge.dispatch(
        make_request("cloud only", model=MODEL),
        origin=PARIS,
        policy=EdgePolicy.CLOUD_ONLY,
        organization_id=None,
        deadline_s=10,
    )
    assert (cloud.served_by, cloud.node_id, cloud.reply.text) == ("cloud", "cloud-1", "ylno duolc")


async def test_requests_succeed_while_servers_restart(fleet: Fleet) -> None:
    done: Counter[str] = Counter()
    stop = asyncio.Event()

    async def client(n: int) -> None:
        i = 0
        while not stop.is_set():
            text = f"client {n} request {i}"
            outcome = await fleet.ask(text)
            assert outcome.reply.text == text[::-1]
            done[outcome.served_by] += 1
            i += 1

    clients = [asyncio.create_task(client(n)) for n in range(4)]
    try:
        await asyncio.sleep(0.5)
        for index in (1, 0, 2):  # the node's, the cloud worker's, then the gateway's server
            before = sum(done.values())
            pid = fleet.cluster.servers[index].pid
            await fleet.cluster.restart(index)
            assert fleet.cluster.servers[index].pid not in (None, pid)
            while sum(done.values()) < before + 20:
                await asyncio.sleep(0.05)
                for task in clients:
                    if task.done():
                        task.result()  # a failed request fails the test here
        # The node comes back into the pool (after healthy heartbeats) and serves again.
        await asyncio.wait_for(fleet.until_served_by_edge(), 30)
    finally:
        stop.set()
        await asyncio.gather(*clients)
    assert done["edge"] > 0

"""Killing half of the nodes in the middle of a load run loses no request."""

from __future__ import annotations

import asyncio
import random
import signal

from tests.integration.edge.edge_fleet import CITIES, INTERVAL_S, edge_stack
from zgpu.edge import EmbeddedNats
from zgpu.edge.edge_dispatch import DispatchOutcome
from zgpu.edge.geo import GeoPoint

DOOMED = ("london", "newyork", "tokyo")


async def test_killing_half_the_nodes_fails_no_request(nats_server: EmbeddedNats) -> None:
    rng = random.Random(3)
    origins = [
        GeoPoint(where.lat + rng.uniform(-3, 3), where.lon + rng.uniform(-3, 3))
        for where in CITIES.values()
    ]
    async with edge_stack(nats_server.url) as (stack, _):
        await asyncio.gather(*(stack.start_node(n, w) for n, w in CITIES.items()))
        outcomes: list[DispatchOutcome] = []
        stop = asyncio.Event()

        async def client(index: int) -> None:
            i = 0
            while not stop.is_set():
                text = f"client {index} request {i}"
                outcome = await stack.ask(origins[(index + i) % len(origins)], text)
                assert outcome.reply.ok, outcome
                assert outcome.reply.text == text[::-1]
                outcomes.append(outcome)
                i += 1

        clients = [asyncio.create_task(client(i)) for i in range(6)]
        await asyncio.sleep(1.0)
        served_before_kill = {o.node_id for o in outcomes}
        for name in DOOMED:
            stack.nodes[name].send_signal(signal.SIGKILL)
        killed_at = len(outcomes)
        # Dead nodes leave the pool within the heartbeat bound (3 intervals), plus slack for
        # a loaded 2-core machine.
        await asyncio.wait_for(
            asyncio.gather(*(stack.until_gone(name) for name in DOOMED)), 3 * INTERVAL_S + 2.0
        )
        await asyncio.sleep(1.0)
        stop.set()
        await asyncio.gather(*clients)  # any failed request raises here

    assert set(DOOMED) <= served_before_kill
    after = outcomes[killed_at:]
    assert len(after) > 20
    late = after[len(after) // 2 :]
    assert all(o.served_by == "cloud" or o.node_id not in DOOMED for o in late)
    assert {o.node_id for o in late if o.served_by == "edge"} <= {"frankfurt", "saopaulo", "sydney"}

"""Six real node processes around the globe: requests go to the nearest capable node."""

from __future__ import annotations

import asyncio

from tests.integration.edge.edge_fleet import CITIES, edge_stack
from zgpu.edge import EmbeddedNats
from zgpu.edge.edge_dispatch import EdgeDispatchConfig
from zgpu.edge.geo import GeoPoint
from zgpu.edge.registry import NodeRegistry
from zgpu.edge.router import EdgePolicy

SLOW = "tests.integration.edge.edge_runners:slow"
PARIS = GeoPoint(48.86, 2.35)
BOSTON = GeoPoint(42.36, -71.06)
SEOUL = GeoPoint(37.57, 126.98)
BUENOS_AIRES = GeoPoint(-34.6, -58.38)


async def test_nearest_capable_node_serves_and_cloud_only_never_reaches_a_node(
    nats_server: EmbeddedNats,
) -> None:
    async with edge_stack(nats_server.url) as (stack, _):
        await asyncio.gather(
            *(
                stack.start_node(name, where, models="" if name == "tokyo" else "zlm-test")
                for name, where in CITIES.items()
            )
        )
        served = {}
        for label, origin in {
            "paris": PARIS,
            "boston": BOSTON,
            "seoul": SEOUL,
            "buenos_aires": BUENOS_AIRES,
        }.items():
            outcome = await stack.ask(origin, f"from {label}")
            assert outcome.reply.ok
            assert outcome.reply.text == f"from {label}"[::-1]
            assert outcome.served_by == "edge"
            served[label] = outcome.node_id
        # Tokyo lacks the model and cannot fetch it: Seoul's requests go to Sydney.
        assert served == {
            "paris": "london",
            "boston": "newyork",
            "seoul": "sydney",
            "buenos_aires": "saopaulo",
        }
        explanation = stack.edge.router.explain("zlm-test", 3, SEOUL)
        assert [e.node_id for e in explanation.excluded] == ["tokyo"]

        await asyncio.sleep(0.5)  # two heartbeats: the counts below are current
        before = served_counts(stack.registry)
        assert sum(before.values()) == 4
        for origin in (PARIS, BOSTON, SEOUL):
            outcome = await stack.ask(origin, policy=EdgePolicy.CLOUD_ONLY)
            assert (outcome.served_by, outcome.node_id) == ("cloud", "cloud-1")
        await asyncio.sleep(0.5)
        assert served_counts(stack.registry) == before


def served_counts(registry: NodeRegistry) -> dict[str, int]:
    """Requests each node says (in its heartbeats) it has served."""
    return {
        node.node_id: node.stats["zlm-test"].samples if "zlm-test" in node.stats else 0
        for node in registry
    }


async def test_overloaded_nearest_node_sheds_to_the_next(nats_server: EmbeddedNats) -> None:
    patient = EdgeDispatchConfig(min_edge_deadline_s=5.0)  # london is slow, not broken
    async with edge_stack(nats_server.url, config=patient) as (stack, _):
        await asyncio.gather(
            stack.start_node(
                "london",
                CITIES["london"],
                runner="tests.integration.edge.edge_runners:slow",
                concurrency=1,
            ),
            stack.start_node("frankfurt", CITIES["frankfurt"]),
        )
        first = asyncio.create_task(stack.ask(PARIS, "first"))
        await asyncio.sleep(0.1)  # london now holds its only slot for 0.6 s
        second = await stack.ask(PARIS, "second")
        assert (second.served_by, second.node_id) == ("edge", "frankfurt")
        assert (await first).node_id == "london"

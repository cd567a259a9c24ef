"""An edge node process running the real model runtime."""

from __future__ import annotations

import asyncio

from tests.integration.edge.edge_fleet import CITIES, edge_stack
from zgpu.edge import EmbeddedNats
from zgpu.edge.edge_dispatch import EdgeDispatchConfig
from zgpu.edge.geo import GeoPoint

MODEL = "zlm-v1-summary-cloud"
ARTICLE = (
    "The city council approved a new cycling network on Tuesday. "
    "The plan adds forty kilometres of protected lanes over three years. "
    "Officials said the lanes will connect every district to the centre. "
    "Local shops worried about parking, but surveys showed most customers arrive on foot. "
    "Construction starts in the spring."
)


async def test_real_model_node_serves_and_reports_its_service_time(
    nats_server: EmbeddedNats,
) -> None:
    config = EdgeDispatchConfig(min_edge_deadline_s=10.0)  # the first run warms the model up
    async with edge_stack(nats_server.url, config=config) as (stack, _):
        await stack.start_node(
            "real", CITIES["london"], runner="tests.integration.edge.edge_runners:real_model",
            models=MODEL,
        )  # fmt: skip
        replies = []
        for _ in range(3):
            outcome = await stack.ask(GeoPoint(48.86, 2.35), ARTICLE, model=MODEL)
            assert (outcome.served_by, outcome.node_id) == ("edge", "real")
            assert outcome.reply.ok
            replies.append(outcome.reply)
        assert len({r.text for r in replies}) == 1  # deterministic
        assert replies[0].text.strip()
        assert replies[0].input_tokens > 20

        async def measured() -> None:
            while True:
                node = stack.registry.get("real")
                if node is not None and MODEL in node.stats and node.stats[MODEL].samples >= 3:
                    return
                await asyncio.sleep(0.05)

        await asyncio.wait_for(measured(), 30)
        stats = stack.registry.get("real").stats[MODEL]  # type: ignore[union-attr]
        assert stats.ms_per_token > 0
        assert stats.p95_ms >= stats.p50_ms > 0

"""Each grid cell is sorted by a lower bound of its nodes' queue plus service time, kept
current by heartbeats, so the router can stop scanning a cell at the first node that loses."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.edge.fleet import MODEL, Clock, announce, heartbeat
from tests.unit.edge.test_router_fast_path import OTHER, _fleet
from zgpu.edge.geo import GeoPoint
from zgpu.edge.registry import NodeIdentity, NodeRegistry, RegistryConfig
from zgpu.edge.router import Router


def _cell_order(registry: NodeRegistry, lat: float, lon: float) -> list[str]:
    (_, _, _, entries), *_ = registry.index.nearest_cells(lat, lon, 1.0)
    return [node_id for _, node_id, _ in entries]


def test_a_busy_node_sorts_behind_an_idle_one_until_its_heartbeat_says_it_is_idle() -> None:
    registry = NodeRegistry(RegistryConfig(cell_deg=4.0), clock=Clock())
    for node_id, lon in (("a", 2.35), ("b", 2.36)):
        registry.set_identity(NodeIdentity(node_id, None))
        registry.apply_announce(announce(node_id, 48.85, lon, concurrency=4))
    registry.apply_heartbeat(heartbeat("a", 0, in_flight=3, concurrency=4, ms_per_token=0.1))
    registry.apply_heartbeat(heartbeat("b", 0, in_flight=0, concurrency=4, ms_per_token=0.1))
    assert _cell_order(registry, 48.85, 2.35) == ["b", "a"]
    a, b = registry.get("a"), registry.get("b")
    assert a is not None
    assert b is not None
    # 3 of 4 slots × the 10 ms recent service time.
    assert a.queue_key == 7.5
    assert b.queue_key == 0.0
    assert a.order_key > b.order_key

    registry.apply_heartbeat(heartbeat("a", 1, in_flight=0, concurrency=4, ms_per_token=0.1))
    assert _cell_order(registry, 48.85, 2.35) == ["a", "b"]
    assert a.order_key == b.order_key


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_no_node_expects_less_than_the_bound_of_any_node_before_it_in_its_cell(
    seed: int,
) -> None:
    registry, _, rng = _fleet(seed)
    router = Router(registry)
    for _ in range(5):
        model = rng.choice([MODEL, OTHER])
        tokens = rng.choice([0, 1, 64, 256, 257, 5000])
        scale, offset = registry.order_bound(tokens)
        origin = GeoPoint(rng.uniform(-90, 90), rng.uniform(-180, 180))
        expected = {
            s.node_id: s.queue_ms + s.service_ms
            for s in router.explain(model, tokens, origin).ranking
        }
        for _, _, _, entries in registry.index.nearest_cells(0.0, 0.0, 20_100.0):
            highest = -1.0
            for key, node_id, _ in entries:
                highest = max(highest, key * scale + offset)
                if node_id in expected:
                    assert expected[node_id] >= highest, (node_id, model, tokens)


def test_the_bound_holds_for_requests_smaller_and_larger_than_the_sort_size() -> None:
    rng = random.Random(7)
    registry = NodeRegistry(RegistryConfig(order_tokens=256), clock=Clock())
    router = Router(registry)
    for i in range(50):
        node_id = f"n{i:02d}"
        registry.set_identity(NodeIdentity(node_id, None))
        registry.apply_announce(announce(node_id, 10.0, 10.0, concurrency=4))
        registry.apply_heartbeat(
            heartbeat(
                node_id, 0, in_flight=rng.randrange(4), concurrency=4,
                ms_per_token=rng.uniform(0.05, 0.5),
            )
        )  # fmt: skip
    for tokens in (16, 256, 2048):
        scale, offset = registry.order_bound(tokens)
        ranking = router.explain(MODEL, tokens, GeoPoint(10.0, 10.0)).ranking
        assert len(ranking) == 50
        for score in ranking:
            node = registry.get(score.node_id)
            assert node is not None
            assert score.queue_ms + score.service_ms >= node.order_key * scale + offset

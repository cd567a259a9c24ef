from __future__ import annotations

import random
import uuid

import pytest

from tests.unit.edge.fleet import MODEL, heartbeat, join, registry_with_clock
from zgpu.edge.geo import GeoPoint
from zgpu.edge.registry import NodeIdentity, NodeStatus
from zgpu.edge.router import EdgePolicy, Router

PARIS = GeoPoint(48.86, 2.35)
LONDON = (51.5, -0.12)
BERLIN = (52.52, 13.4)
TOKYO = (35.68, 139.69)
NEW_YORK = (40.71, -74.0)


def test_nearest_capable_node_wins_with_every_term_explained() -> None:
    registry, _ = registry_with_clock()
    join(registry, "london", *LONDON)
    join(registry, "berlin", *BERLIN)
    join(registry, "tokyo", *TOKYO)
    router = Router(registry)
    choice = router.route(MODEL, 100, PARIS)
    assert choice is not None
    assert choice.node_id == "london"
    ranking = router.explain(MODEL, 100, PARIS).ranking
    assert [s.node_id for s in ranking] == ["london", "berlin", "tokyo"]
    best = ranking[0]
    assert best.total_ms == pytest.approx(
        best.rtt_ms + best.queue_ms + best.service_ms + best.fetch_ms
    )
    assert best.rtt_ms == pytest.approx(2 * best.distance_km / 200 + 2.0)
    assert best.fetch_ms == 0.0
    assert best.queue_ms == 0.0


def test_a_loaded_node_loses_to_a_farther_idle_one_and_a_full_one_is_excluded() -> None:
    registry, _ = registry_with_clock()
    join(registry, "london", *LONDON, concurrency=4, ms_per_token=0.5)
    join(registry, "berlin", *BERLIN, concurrency=4, ms_per_token=0.5)
    router = Router(registry)
    registry.apply_heartbeat(heartbeat("london", 1, in_flight=3, concurrency=4, ms_per_token=0.5))
    assert router.route(MODEL, 100, PARIS).node_id == "berlin"  # type: ignore[union-attr]
    registry.apply_heartbeat(heartbeat("london", 2, in_flight=4, concurrency=4, ms_per_token=0.5))
    explanation = router.explain(MODEL, 100, PARIS)
    assert [e.reason for e in explanation.excluded] == ["overloaded: 4/4 in flight"]


def test_missing_model_costs_a_fetch_and_unfetchable_nodes_are_skipped() -> None:
    registry, _ = registry_with_clock()
    join(registry, "london", *LONDON, models=())
    join(registry, "berlin", *BERLIN)
    router = Router(registry)
    assert router.route(MODEL, 100, PARIS).node_id == "berlin"  # type: ignore[union-attr]
    london = next(s for s in router.explain(MODEL, 100, PARIS).ranking if s.node_id == "london")
    assert london.fetch_ms > 1000
    registry.forget("berlin")
    # the only node: waiting for its fetch is still the fastest edge answer
    assert router.route(MODEL, 100, PARIS).node_id == "london"  # type: ignore[union-attr]
    join(registry, "london", *LONDON, models=(), can_fetch=False)
    assert router.route(MODEL, 100, PARIS) is None
    assert "cannot fetch" in router.explain(MODEL, 100, PARIS).excluded[0].reason


def test_policies_and_statuses_exclude_nodes() -> None:
    ours, theirs = uuid.uuid4(), uuid.uuid4()
    registry, _ = registry_with_clock()
    join(registry, "london", *LONDON, organization_id=theirs)
    join(registry, "berlin", *BERLIN, organization_id=ours)
    router = Router(registry)
    assert router.route(MODEL, 10, PARIS, EdgePolicy.ANY, ours).node_id == "london"  # type: ignore[union-attr]
    own = router.route(MODEL, 10, PARIS, EdgePolicy.OWN_ORGANIZATION, ours)
    assert own is not None
    assert own.node_id == "berlin"
    assert router.route(MODEL, 10, PARIS, EdgePolicy.CLOUD_ONLY, ours) is None
    registry.set_identity(NodeIdentity("berlin", ours, NodeStatus.QUARANTINED))
    assert router.route(MODEL, 10, PARIS, EdgePolicy.OWN_ORGANIZATION, ours) is None
    reasons = {e.node_id: e.reason for e in router.explain(MODEL, 10, PARIS).excluded}
    assert reasons == {"berlin": "status: quarantined"}


def test_ties_break_on_node_id() -> None:
    registry, _ = registry_with_clock()
    for node_id in ("b", "c", "a"):
        join(registry, node_id, *LONDON)
    assert Router(registry).route(MODEL, 10, PARIS).node_id == "a"  # type: ignore[union-attr]


def test_fast_route_agrees_with_scoring_every_node() -> None:
    rng = random.Random(7)
    registry, _ = registry_with_clock()
    for i in range(1500):
        join(
            registry,
            f"n{i:04d}",
            rng.uniform(-60, 70),
            rng.uniform(-180, 180),
            models=(MODEL,) if rng.random() < 0.8 else (),
            concurrency=4,
            cores=rng.choice([2, 4, 8, 16]),
            in_flight=rng.randrange(0, 5),
            ms_per_token=rng.choice([None, 0.05, 0.1, 0.3]),
        )
    registry.sweep()
    router = Router(registry)
    for _ in range(80):
        origin = GeoPoint(rng.uniform(-60, 70), rng.uniform(-180, 180))
        tokens = rng.choice([10, 100, 1000])
        fast = router.route(MODEL, tokens, origin)
        full = router.explain(MODEL, tokens, origin).chosen
        assert fast is not None
        assert full is not None
        assert (fast.node_id, fast.total_ms) == (full.node_id, full.total_ms)

"""The router's pruned search picks exactly what scoring every node picks, on random fleets."""

from __future__ import annotations

import random
import uuid

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.edge.fleet import MODEL, Clock, announce, heartbeat
from zgpu.edge.geo import GeoPoint, haversine_km_raw
from zgpu.edge.messages import ModelStats, NodeHeartbeat
from zgpu.edge.registry import NodeIdentity, NodeRegistry, NodeStatus, RegistryConfig
from zgpu.edge.router import EdgePolicy, ModelCost, Router, RouterConfig
from zgpu.edge.spatial import GridIndex

OTHER = "zlm-v1-iab-cloud"
ORGS = (uuid.UUID(int=1), uuid.UUID(int=2))


def _position(rng: random.Random, centres: list[tuple[float, float]]) -> tuple[float, float]:
    kind = rng.random()
    if kind < 0.1:  # near a pole or the antimeridian, where the grid wraps and narrows
        return rng.uniform(80, 90) * rng.choice([-1, 1]), rng.choice([-180.0, 179.9, -179.9])
    if kind < 0.3:
        return rng.uniform(-90, 90), rng.uniform(-180, 180)
    lat, lon = rng.choice(centres)
    return (
        max(-90.0, min(90.0, lat + rng.gauss(0, 2.0))),
        (lon + rng.gauss(0, 2.0) + 180.0) % 360.0 - 180.0,
    )


def _stats(rng: random.Random, model: str) -> ModelStats:
    per_token = rng.choice([0.0, 0.04, 0.1, 0.1, 0.25, rng.uniform(0.02, 0.5)])
    p50 = per_token * rng.choice([64, 128, 300])
    return ModelStats(
        model=model,
        samples=rng.choice([0, 2, 3, 40]),
        p50_ms=p50,
        p95_ms=2 * p50,
        ms_per_token=per_token,
    )


def _fleet(seed: int) -> tuple[NodeRegistry, Clock, random.Random]:
    """A registry of random nodes in every state the router distinguishes."""
    rng = random.Random(seed)
    clock = Clock()
    registry = NodeRegistry(
        RegistryConfig(
            cell_deg=rng.choice([2.0, 4.0, 10.0]), order_tokens=rng.choice([1, 64, 256, 4000])
        ),
        clock=clock,
    )
    centres = [(rng.uniform(-60, 70), rng.uniform(-180, 180)) for _ in range(4)]
    positions: list[tuple[float, float]] = []
    for i in range(rng.randrange(1, 400)):
        node_id = f"n{rng.randrange(10_000):05d}-{i}"
        # Some nodes share a position exactly (and often their speed): ties on the total.
        at = rng.choice(positions) if positions and rng.random() < 0.15 else None
        lat, lon = at if at is not None else _position(rng, centres)
        positions.append((lat, lon))
        concurrency = rng.choice([1, 2, 4, 8])
        status = rng.choices(list(NodeStatus), weights=[20, 1, 1])[0]
        registry.set_identity(NodeIdentity(node_id, rng.choice(ORGS), status))
        models = tuple(m for m in (MODEL, OTHER) if rng.random() < 0.7)
        registry.apply_announce(
            announce(
                node_id,
                lat,
                lon,
                models=models,
                concurrency=concurrency,
                cores=rng.choice([1, 2, 4, 8, 16, 64]),
                can_fetch=rng.random() < 0.8,
            )
        )
        stale = rng.random() < 0.05
        if stale:
            clock.now -= 10.0
        registry.apply_heartbeat(
            NodeHeartbeat(
                node_id=node_id,
                seq=0,
                in_flight=rng.randrange(0, concurrency + 1),
                concurrency=concurrency,
                stats=[_stats(rng, m) for m in (MODEL, OTHER) if rng.random() < 0.7],
                draining=rng.random() < 0.05,
                sent_unix_ms=0,
            )
        )
        if stale:
            clock.now += 10.0
        elif rng.random() < 0.3:  # a later heartbeat with another load: the node is re-sorted
            registry.apply_heartbeat(
                NodeHeartbeat(
                    node_id=node_id,
                    seq=1,
                    in_flight=rng.randrange(0, concurrency + 1),
                    concurrency=concurrency,
                    stats=[_stats(rng, m) for m in (MODEL, OTHER) if rng.random() < 0.7],
                    sent_unix_ms=0,
                )
            )
        node = registry.get(node_id)
        if node is not None and rng.random() < 0.05:  # no responders: the gateway marks it full
            node.in_flight = max(node.in_flight, node.concurrency)
        for _ in range(rng.choice([0, 0, 0, 1, 3])):
            registry.note_dispatched(node_id)
        if rng.random() < 0.03:
            registry.mark_out(node_id)
    if rng.random() < 0.5:
        registry.sweep()
    return registry, clock, rng


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_route_picks_what_scoring_every_node_picks(seed: int) -> None:
    registry, _, rng = _fleet(seed)
    config = RouterConfig(
        initial_radius_km=rng.choice([1.0, 50.0, 400.0, 3000.0]),
        models={OTHER: ModelCost(ms_per_token=0.1, artifact_mb=5.0, load_ms=200.0)},
    )
    router = Router(registry, config)
    for _ in range(25):
        if rng.random() < 0.2:
            origin = GeoPoint(rng.choice([-90.0, 90.0, 89.9]), rng.choice([-180.0, 180.0, 0.0]))
        else:
            origin = GeoPoint(rng.uniform(-90, 90), rng.uniform(-180, 180))
        model = rng.choice([MODEL, OTHER, "zlm-unknown"])
        tokens = rng.choice([0, 1, 64, 512, 5000])
        policy = rng.choice([EdgePolicy.ANY, EdgePolicy.OWN_ORGANIZATION])
        organization_id = rng.choice([*ORGS, None])
        fast = router.route(model, tokens, origin, policy, organization_id)
        full = router.explain(model, tokens, origin, policy, organization_id).chosen
        assert fast == full, (model, tokens, origin, policy)


def test_equal_totals_go_to_the_smaller_id_however_the_cells_are_visited() -> None:
    registry = NodeRegistry(RegistryConfig(cell_deg=2.0), clock=Clock())
    router = Router(registry, RouterConfig(initial_radius_km=1.0))
    # The same distance from the origin, on both sides of a cell boundary and of the
    # antimeridian: the later-visited cell holds the smaller id.
    for node_id, lon in (("b", 179.5), ("a", -179.5)):
        registry.set_identity(NodeIdentity(node_id, None))
        registry.apply_announce(announce(node_id, 0.0, lon))
        registry.apply_heartbeat(heartbeat(node_id, 0))
    chosen = router.route(MODEL, 100, GeoPoint(0.0, 180.0))
    assert chosen is not None
    assert chosen.node_id == "a"


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(min_value=0, max_value=2**32 - 1),
    cell_deg=st.sampled_from([1.0, 2.0, 4.0, 15.0]),
    radius_km=st.floats(min_value=0.0, max_value=25_000.0),
)
def test_nearest_cells_hold_every_point_within_the_radius_nearest_first(
    seed: int, cell_deg: float, radius_km: float
) -> None:
    rng = random.Random(seed)
    index: GridIndex[None] = GridIndex(cell_deg)
    points = {}
    for i in range(200):
        lat = rng.choice([rng.uniform(-90, 90), rng.uniform(85, 90), -90.0, 90.0])
        lon = rng.choice([rng.uniform(-180, 180), 180.0, -180.0, 179.99])
        points[f"p{i}"] = (lat, lon)
        index.put(f"p{i}", lat, lon, None)
    lat, lon = rng.uniform(-90, 90), rng.uniform(-180, 180)
    inner = radius_km / 3
    found = index.nearest_cells(lat, lon, radius_km, inner)
    bounds = [bound for bound, _, _, _ in found]
    assert bounds == sorted(bounds)
    assert all(inner < bound <= radius_km for bound in bounds)
    in_found = {key: bound for bound, _, _, entries in found for _, key, _ in entries}
    in_inner = {
        key for _, _, entries in index.cells_within(lat, lon, inner) for _, key, _ in entries
    }
    assert not in_found.keys() & in_inner
    for key, (plat, plon) in points.items():
        distance = haversine_km_raw(lat, lon, plat, plon)
        if key in in_found:
            assert in_found[key] <= distance
        elif key not in in_inner:
            assert distance > radius_km, key
    # Widening calls, each beyond the last radius, return every cell within reach exactly once.
    everything = index.nearest_cells(lat, lon, 30_000.0)
    assert len(everything) == len({(row, col) for _, row, col, _ in everything})
    within = {(row, col) for bound, row, col, _ in everything if bound <= radius_km}
    first = [(row, col) for _, row, col, _ in index.nearest_cells(lat, lon, inner)]
    second = [(row, col) for _, row, col, _ in found]
    assert sorted(first + second) == sorted(within)

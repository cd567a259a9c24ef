from __future__ import annotations

import uuid

from tests.unit.edge.fleet import announce, heartbeat, join, registry_with_clock
from zgpu.edge.geo import GeoPoint
from zgpu.edge.registry import NodeIdentity, NodeStatus, RegistryConfig
from zgpu.edge.router import Router
from zgpu.edge.spatial import GridIndex

MODEL = "zlm-v1-summary-cloud"
PARIS = GeoPoint(48.86, 2.35)


def test_announces_without_identity_are_ignored() -> None:
    registry, _ = registry_with_clock()
    assert registry.apply_announce(announce("stranger", 48.0, 2.0)) is None
    assert len(registry) == 0
    registry.set_identity(NodeIdentity("known", uuid.uuid4()))
    assert registry.apply_announce(announce("known", 48.0, 2.0)) is not None


def test_revoked_identity_removes_the_node_at_once() -> None:
    registry, _ = registry_with_clock()
    join(registry, "n1", 48.0, 2.0)
    registry.set_identity(NodeIdentity("n1", None, NodeStatus.REVOKED))
    assert Router(registry).route(MODEL, 10, PARIS) is None
    assert registry.apply_announce(announce("n1", 48.0, 2.0)) is None
    assert registry.get("n1") is None


def test_three_missed_heartbeats_take_a_node_out_and_it_rejoins_only_after_a_streak() -> None:
    registry, clock = registry_with_clock(RegistryConfig(interval_s=1.0, rejoin_after=3))
    join(registry, "n1", 48.0, 2.0)
    router = Router(registry)
    clock.now += 2.9
    assert router.route(MODEL, 10, PARIS) is not None
    clock.now += 0.2  # 3.1 s of silence
    assert router.route(MODEL, 10, PARIS) is None
    assert "unhealthy" in router.explain(MODEL, 10, PARIS).excluded[0].reason
    for seq in (1, 2):
        registry.apply_heartbeat(heartbeat("n1", seq))
        assert router.route(MODEL, 10, PARIS) is None, seq
        clock.now += 1.0
    registry.apply_heartbeat(heartbeat("n1", 3))
    assert router.route(MODEL, 10, PARIS) is not None


def test_a_flapping_node_does_not_come_back() -> None:
    registry, clock = registry_with_clock(RegistryConfig(interval_s=1.0, rejoin_after=3))
    join(registry, "n1", 48.0, 2.0)
    clock.now += 5
    seq = 1
    for _ in range(5):  # two heartbeats, then a gap: never three in a row
        for _ in range(2):
            registry.apply_heartbeat(heartbeat("n1", seq))
            seq += 1
            clock.now += 1.0
        clock.now += 3.0
        assert Router(registry).route(MODEL, 10, PARIS) is None


def test_silent_nodes_are_forgotten_after_the_identity_ttl() -> None:
    registry, clock = registry_with_clock(RegistryConfig(identity_ttl_s=30))
    join(registry, "n1", 48.0, 2.0)
    join(registry, "n2", 10.0, 10.0)
    clock.now += 20
    registry.apply_heartbeat(heartbeat("n2", 1))
    clock.now += 15
    assert registry.sweep() == ["n1"]
    assert registry.get("n1") is None
    assert "n1" not in registry.index
    assert registry.get("n2") is not None


def test_grid_finds_everything_within_the_radius() -> None:
    index: GridIndex[str] = GridIndex(2.0)
    points = {f"p{i}": (lat, lon) for i, (lat, lon) in enumerate(
        [(0, 179.5), (0, -179.5), (60, 10), (60, 25), (-45, 170), (89, 0), (89, 179)]
    )}  # fmt: skip
    for key, (lat, lon) in points.items():
        index.put(key, lat, lon, key)
    found = {k for _, _, items in index.cells_within(0, 179.9, 300) for _, k, _ in items}
    assert {"p0", "p1"} <= found
    assert "p4" not in found
    near_pole = {k for _, _, items in index.cells_within(89.5, 90, 200) for _, k, _ in items}
    assert {"p5", "p6"} <= near_pole
    index.remove("p0")
    index.put("p1", 10, 10, "p1")
    found = {k for _, _, items in index.cells_within(0, 179.9, 300) for _, k, _ in items}
    assert found == set()
    assert len(index) == 6

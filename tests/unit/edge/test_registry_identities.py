"""Identities from the database: snapshots older than a local change, nodes enrolled a moment
ago."""

from __future__ import annotations

import uuid

from tests.unit.edge.fleet import announce, heartbeat, join, registry_with_clock
from zgpu.edge.geo import GeoPoint
from zgpu.edge.registry import NodeIdentity, NodeStatus
from zgpu.edge.router import Router

MODEL = "zlm-v1-summary-cloud"
PARIS = GeoPoint(48.86, 2.35)


def test_a_snapshot_read_before_a_local_revocation_does_not_undo_it() -> None:
    registry, clock = registry_with_clock()
    org = uuid.uuid4()
    join(registry, "n1", 48.0, 2.0, organization_id=org)
    read_at = registry.now()
    clock.now += 0.1
    registry.set_identity(NodeIdentity("n1", org, NodeStatus.REVOKED))
    registry.replace_identities([NodeIdentity("n1", org)], as_of=read_at)  # stale: still active
    assert registry.identity("n1") == NodeIdentity("n1", org, NodeStatus.REVOKED)
    assert registry.apply_announce(announce("n1", 48.0, 2.0)) is None
    clock.now += 0.1
    registry.replace_identities([NodeIdentity("n1", org)], as_of=registry.now())  # newer read
    assert registry.identity("n1") == NodeIdentity("n1", org)


def test_a_snapshot_without_a_node_drops_it() -> None:
    registry, _ = registry_with_clock()
    join(registry, "n1", 48.0, 2.0)
    join(registry, "n2", 49.0, 2.0)
    registry.replace_identities([NodeIdentity("n2", None)], as_of=registry.now())
    assert registry.get("n1") is None
    assert registry.get("n2") is not None


def test_a_node_announced_before_its_identity_joins_when_the_identity_arrives() -> None:
    registry, _ = registry_with_clock()
    assert registry.apply_announce(announce("fresh", 48.0, 2.0)) is None
    registry.replace_identities([NodeIdentity("fresh", uuid.uuid4())], as_of=registry.now())
    assert registry.get("fresh") is not None
    registry.apply_heartbeat(heartbeat("fresh", 0))
    chosen = Router(registry).route(MODEL, 10, PARIS)
    assert chosen is not None
    assert chosen.node_id == "fresh"

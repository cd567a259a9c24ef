"""Building registries of virtual nodes for router and registry tests."""

from __future__ import annotations

import uuid

from zgpu.edge.messages import ModelStats, NodeAnnounce, NodeHardware, NodeHeartbeat
from zgpu.edge.registry import NodeIdentity, NodeRegistry, RegistryConfig

MODEL = "zlm-v1-summary-cloud"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def announce(
    node_id: str,
    lat: float,
    lon: float,
    *,
    models: tuple[str, ...] = (MODEL,),
    concurrency: int = 2,
    cores: int = 4,
    can_fetch: bool = True,
) -> NodeAnnounce:
    return NodeAnnounce(
        node_id=node_id,
        lat=lat,
        lon=lon,
        hardware=NodeHardware(cores=cores, memory_mb=8192),
        models_cached=list(models),
        can_fetch=can_fetch,
        concurrency=concurrency,
        sent_unix_ms=0,
    )


def heartbeat(
    node_id: str,
    seq: int,
    *,
    in_flight: int = 0,
    concurrency: int = 2,
    ms_per_token: float | None = None,
    draining: bool = False,
) -> NodeHeartbeat:
    stats = []
    if ms_per_token is not None:
        p50 = ms_per_token * 100
        stats = [
            ModelStats(
                model=MODEL, samples=10, p50_ms=p50, p95_ms=2 * p50, ms_per_token=ms_per_token
            )
        ]
    return NodeHeartbeat(
        node_id=node_id,
        seq=seq,
        in_flight=in_flight,
        concurrency=concurrency,
        stats=stats,
        draining=draining,
        sent_unix_ms=0,
    )


def join(
    registry: NodeRegistry,
    node_id: str,
    lat: float,
    lon: float,
    organization_id: uuid.UUID | None = None,
    *,
    models: tuple[str, ...] = (MODEL,),
    concurrency: int = 2,
    cores: int = 4,
    can_fetch: bool = True,
    in_flight: int = 0,
    ms_per_token: float | None = None,
) -> None:
    """Identity, announce and a first heartbeat: the node is in the pool."""
    registry.set_identity(NodeIdentity(node_id, organization_id))
    registry.apply_announce(
        announce(
            node_id, lat, lon, models=models, concurrency=concurrency, cores=cores,
            can_fetch=can_fetch,
        )
    )  # fmt: skip
    registry.apply_heartbeat(
        heartbeat(
            node_id, 0, concurrency=concurrency, in_flight=in_flight, ms_per_token=ms_per_token
        )
    )


def registry_with_clock(config: RegistryConfig | None = None) -> tuple[NodeRegistry, Clock]:
    clock = Clock()
    return NodeRegistry(config, clock=clock), clock

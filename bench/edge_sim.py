"""Edge routing at fleet scale: 10,000 virtual nodes, a realistic origin mix, node churn.

    .venv/bin/python bench/edge_sim.py [--nodes 10000] [--seconds 120] [--rps 200]

The real :class:`~zgpu.edge.registry.NodeRegistry` and :class:`~zgpu.edge.router.Router` run
on simulated time: every live node heartbeats each simulated second (load drawn at random),
5% of the fleet leaves per minute without a word (and as many new nodes join), and requests
arrive from cities weighted by their internet population. A request routed to a node that has
died costs its edge deadline, then is routed again (the dead node is marked out); after two
failed attempts, or when no node qualifies, it goes to the nearest cloud region.

Reports route decision time (measured: wall clock, and the thread's CPU time, which a busy
machine inflates less), the share of requests served by a node in
the caller's region, the fallback rate, and simulated end-to-end latency percentiles.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import random
import statistics
import time
from dataclasses import dataclass

from zgpu.edge.geo import GeoPoint, haversine_km, region_of, rtt_ms
from zgpu.edge.messages import ModelStats, NodeAnnounce, NodeHardware, NodeHeartbeat
from zgpu.edge.registry import NodeIdentity, NodeRegistry, RegistryConfig
from zgpu.edge.router import Router

MODEL = "zlm-v1-summary-cloud"

# (name, lat, lon, weight): weight ~ internet users (millions), rounded.
CITIES = [
    ("Tokyo", 35.68, 139.69, 40), ("Delhi", 28.61, 77.21, 60), ("Shanghai", 31.23, 121.47, 50),
    ("Sao Paulo", -23.55, -46.63, 30), ("Mexico City", 19.43, -99.13, 25),
    ("Cairo", 30.04, 31.24, 20), ("Mumbai", 19.08, 72.88, 50), ("Beijing", 39.9, 116.4, 40),
    ("Dhaka", 23.81, 90.41, 20), ("Osaka", 34.69, 135.5, 15), ("New York", 40.71, -74.0, 35),
    ("Karachi", 24.86, 67.0, 15), ("Buenos Aires", -34.6, -58.38, 15),
    ("Istanbul", 41.01, 28.98, 20), ("Lagos", 6.52, 3.38, 20), ("Manila", 14.6, 120.98, 20),
    ("Rio de Janeiro", -22.91, -43.17, 12), ("Los Angeles", 34.05, -118.24, 25),
    ("Moscow", 55.76, 37.62, 20), ("Paris", 48.86, 2.35, 20), ("London", 51.51, -0.13, 22),
    ("Jakarta", -6.21, 106.85, 30), ("Seoul", 37.57, 126.98, 25), ("Lima", -12.05, -77.04, 8),
    ("Bangkok", 13.76, 100.5, 12), ("Chicago", 41.88, -87.63, 15), ("Nairobi", -1.29, 36.82, 8),
    ("Johannesburg", -26.2, 28.05, 10), ("Sydney", -33.87, 151.21, 10),
    ("Berlin", 52.52, 13.4, 15), ("Madrid", 40.42, -3.7, 12), ("Toronto", 43.65, -79.38, 12),
    ("Singapore", 1.35, 103.82, 8), ("Dubai", 25.2, 55.27, 8), ("Frankfurt", 50.11, 8.68, 10),
    ("Stockholm", 59.33, 18.07, 6), ("Auckland", -36.85, 174.76, 4), ("Bogota", 4.71, -74.07, 10),
    ("Santiago", -33.45, -70.67, 8), ("Riyadh", 24.71, 46.68, 8), ("Tehran", 35.69, 51.39, 12),
    ("Ho Chi Minh City", 10.82, 106.63, 15), ("Kinshasa", -4.44, 15.27, 5),
    ("Anchorage", 61.22, -149.9, 1), ("Reykjavik", 64.15, -21.94, 1),
]  # fmt: skip
CLOUD_REGIONS = [GeoPoint(50.11, 8.68), GeoPoint(39.04, -77.49), GeoPoint(1.35, 103.82)]
CLOUD_SERVICE_MS = 25.0
CHURN_PER_MINUTE = 0.05


@dataclass
class VirtualNode:
    node_id: str
    lat: float
    lon: float
    cores: int
    concurrency: int
    ms_per_token: float
    cached: bool
    utilisation: float
    alive: bool = True
    seq: int = 0


def _place(rng: random.Random) -> tuple[float, float]:
    if rng.random() < 0.1:  # some nodes anywhere between the polar circles
        return rng.uniform(-55, 66), rng.uniform(-180, 180)
    _, lat, lon, _ = rng.choices(CITIES, weights=[c[3] for c in CITIES])[0]
    return (
        max(-89.0, min(89.0, lat + rng.gauss(0, 1.5))),
        (lon + rng.gauss(0, 1.5) + 180) % 360 - 180,
    )


def _new_node(rng: random.Random, index: int) -> VirtualNode:
    lat, lon = _place(rng)
    cores = rng.choice([2, 4, 4, 8, 8, 16])
    return VirtualNode(
        node_id=f"v{index:06d}",
        lat=lat,
        lon=lon,
        cores=cores,
        concurrency=max(1, cores // 2),
        ms_per_token=0.2 * math.sqrt(4 / cores) * rng.uniform(0.8, 1.3),
        cached=rng.random() < 0.85,
        utilisation=rng.uniform(0.1, 0.8),
    )


def _announce(node: VirtualNode) -> NodeAnnounce:
    return NodeAnnounce(
        node_id=node.node_id,
        lat=node.lat,
        lon=node.lon,
        hardware=NodeHardware(cores=node.cores, memory_mb=8192),
        models_cached=[MODEL] if node.cached else [],
        concurrency=node.concurrency,
        sent_unix_ms=0,
    )


def _heartbeat(node: VirtualNode, rng: random.Random) -> NodeHeartbeat:
    node.seq += 1
    in_flight = sum(rng.random() < node.utilisation for _ in range(node.concurrency))
    p50 = node.ms_per_token * 128
    stats = [
        ModelStats(
            model=MODEL, samples=32, p50_ms=p50, p95_ms=p50 * 1.8, ms_per_token=node.ms_per_token
        )
    ]
    return NodeHeartbeat(
        node_id=node.node_id,
        seq=node.seq,
        in_flight=in_flight,
        concurrency=node.concurrency,
        models_cached=[MODEL] if node.cached else [],
        stats=stats if node.cached else [],
        sent_unix_ms=0,
    )


class SimClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1)]


def _cloud_ms(origin: GeoPoint) -> float:
    return min(rtt_ms(haversine_km(origin, c)) for c in CLOUD_REGIONS) + CLOUD_SERVICE_MS


def run(nodes: int, seconds: int, rps: int, seed: int) -> dict[str, float]:
    rng = random.Random(seed)
    clock = SimClock()
    registry = NodeRegistry(RegistryConfig(interval_s=1.0, identity_ttl_s=30.0), clock=clock)
    router = Router(registry)
    fleet: dict[str, VirtualNode] = {}
    next_index = 0

    def join() -> None:
        nonlocal next_index
        node = _new_node(rng, next_index)
        next_index += 1
        fleet[node.node_id] = node
        registry.set_identity(NodeIdentity(node.node_id, None))
        registry.apply_announce(_announce(node))
        registry.apply_heartbeat(_heartbeat(node, rng))

    for _ in range(nodes):
        join()
    registry.sweep()
    weights = [c[3] for c in CITIES]
    decisions_ns: list[int] = []
    cpu_ns: list[int] = []
    latencies: list[float] = []
    in_region = edge_served = fallbacks = dead_hits = 0
    churn_carry = 0.0
    for _second in range(seconds):
        clock.now += 1.0
        churn_carry += nodes * CHURN_PER_MINUTE / 60
        while churn_carry >= 1.0:
            churn_carry -= 1.0
            victim = rng.choice([n for n in fleet.values() if n.alive][:2000])
            victim.alive = False
            join()
        for node in fleet.values():
            if node.alive:
                registry.apply_heartbeat(_heartbeat(node, rng))
        registry.sweep()
        for _ in range(rps):
            clock.now += 1.0 / rps / 10  # stay within the second
            _, lat, lon, _ = rng.choices(CITIES, weights=weights)[0]
            origin = GeoPoint(
                max(-89.0, min(89.0, lat + rng.gauss(0, 1.0))),
                (lon + rng.gauss(0, 1.0) + 180) % 360 - 180,
            )
            tokens = rng.choice([64, 128, 256, 512])
            elapsed = 0.0
            served = False
            for _attempt in range(2):
                started, cpu_started = time.perf_counter_ns(), time.thread_time_ns()
                choice = router.route(MODEL, tokens, origin)
                cpu_ns.append(time.thread_time_ns() - cpu_started)
                decisions_ns.append(time.perf_counter_ns() - started)
                if choice is None:
                    break
                if fleet[choice.node_id].alive:
                    elapsed += choice.total_ms * rng.uniform(0.9, 1.2)
                    edge_served += 1
                    in_region += choice.region == region_of(origin)
                    served = True
                    break
                dead_hits += 1
                elapsed += max(150.0, choice.p95_ms * 3)
                registry.mark_out(choice.node_id)
            if not served:
                fallbacks += 1
                elapsed += _cloud_ms(origin)
            latencies.append(elapsed)
        clock.now = float(_second + 1)
        for node_id in [k for k, n in fleet.items() if not n.alive and registry.get(k) is None]:
            del fleet[node_id]
    total = len(latencies)
    micro = [ns / 1000 for ns in decisions_ns]
    cpu_micro = [ns / 1000 for ns in cpu_ns]
    return {
        "nodes": nodes,
        "requests": total,
        "decision_p50_us": statistics.median(micro),
        "decision_p99_us": _percentile(micro, 0.99),
        "decision_max_us": max(micro),
        "decision_cpu_p50_us": statistics.median(cpu_micro),
        "decision_cpu_p99_us": _percentile(cpu_micro, 0.99),
        "edge_share": edge_served / total,
        "in_region_share": in_region / max(1, edge_served),
        "fallback_rate": fallbacks / total,
        "dead_node_hits": dead_hits / total,
        "latency_p50_ms": _percentile(latencies, 0.5),
        "latency_p95_ms": _percentile(latencies, 0.95),
        "latency_p99_ms": _percentile(latencies, 0.99),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--nodes", type=int, default=10_000)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--rps", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    result = run(args.nodes, args.seconds, args.rps, args.seed)
    machine = platform.processor() or platform.machine()
    print(f"edge_sim: {machine}, {os.cpu_count()} cores, python {platform.python_version()}")
    print(f"{'metric':<22}{'value':>14}")
    for key, value in result.items():
        shown = f"{value:.1%}" if key.endswith(("share", "rate", "hits")) else f"{value:,.1f}"
        print(f"{key:<22}{shown:>14}")
    print(
        f"SUMMARY nodes={result['nodes']:.0f} decision p50={result['decision_p50_us']:.0f}us "
        f"p99={result['decision_p99_us']:.0f}us in-region={result['in_region_share']:.1%} "
        f"fallback={result['fallback_rate']:.2%} latency p50/p95/p99="
        f"{result['latency_p50_ms']:.0f}/{result['latency_p95_ms']:.0f}/"
        f"{result['latency_p99_ms']:.0f}ms under {CHURN_PER_MINUTE:.0%}/min churn"
    )


if __name__ == "__main__":
    main()

"""The router: which edge node should run this request, by minimum expected completion time.

For a request of ``tokens`` input tokens of ``model`` from ``origin``, each candidate node's
expected completion time, in milliseconds, is::

    rtt      = 2 * haversine(origin, node) / 200 km/ms + rtt_overhead_ms
    service  = tokens * ms_per_token(node, model)
    queue    = load * recent_ms(node, model) / concurrency
    fetch    = 0 if the model is cached, else artifact size / fetch bandwidth + load time
    total    = rtt + queue + service + fetch

``ms_per_token`` and ``recent_ms`` come from the node's heartbeats (its median per-token time
and median service time for that model); without enough samples they are estimated from the
model's baseline scaled by the node's cores. Candidates are live nodes (see
:class:`~zgpu.edge.registry.NodeRegistry`) that are active, not draining, below their
concurrency, allowed by the project's :class:`EdgePolicy` and able to run the model (cached,
or fetchable). The smallest total wins; ties go to the smaller node id.

Speed. :meth:`Router.route` looks at nodes nearest cell first (a latitude/longitude grid, see
:mod:`zgpu.edge.spatial`), widening the radius until no node beyond it could beat the best
found: its round trip alone plus the cheapest possible service time is already slower. In a
cell, nodes are sorted by a lower bound of their queue plus service time kept current by the
registry as heartbeats arrive (:meth:`~zgpu.edge.registry.NodeRegistry.order_bound`), and
three lower bounds of a node's total, cheapest first, skip it before its exact distance is
computed: the cell's distance with that sort key (which ends the cell), then with the node's
fastest per-token time and the fetch a missing model costs, then with the node's exact queue,
service and fetch terms. Each bound uses the same float operations as the total (the sort
key's is scaled down by far more than their rounding), so a skipped node cannot win or tie.
Cells come nearest first, so the first one whose round trip plus the cheapest possible
service time loses ends the round. The answer is the same as scoring every node
(:meth:`Router.explain` does that, and says why each excluded node was excluded); the unit
tests compare the two on random fleets.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from zgpu.edge.geo import (
    DEFAULT_RTT_OVERHEAD_MS,
    EARTH_RADIUS_KM,
    FIBRE_KM_PER_MS,
    GeoPoint,
    haversine_km_raw,
)
from zgpu.edge.registry import (
    ESTIMATED_RECENT_TOKENS,
    MIN_SAMPLES,
    NodeRegistry,
    NodeState,
    NodeStatus,
    core_scale,
)
from zgpu.edge.spatial import HALF_CIRCUMFERENCE_KM


class EdgePolicy(StrEnum):
    """Where a project's requests may run."""

    ANY = "any"
    """Any active node."""
    OWN_ORGANIZATION = "own_organization"
    """Only nodes enrolled by the project's organization."""
    CLOUD_ONLY = "cloud_only"
    """Never on an edge node."""


@dataclass(frozen=True, slots=True)
class ModelCost:
    """What the router assumes about a model before nodes have measured it.

    ``ms_per_token`` on a 4-core machine (scaled by :func:`~zgpu.edge.registry.core_scale`);
    ``artifact_mb`` to download when a node lacks it, plus ``load_ms`` to load it.
    """

    ms_per_token: float = 0.2
    artifact_mb: float = 30.0
    load_ms: float = 1500.0


@dataclass(frozen=True, slots=True)
class RouterConfig:
    """Knobs of the cost model; ``models`` overrides :attr:`default_cost` per model id."""

    rtt_overhead_ms: float = DEFAULT_RTT_OVERHEAD_MS
    fetch_mbps: float = 50.0
    default_cost: ModelCost = field(default_factory=ModelCost)
    models: Mapping[str, ModelCost] = field(default_factory=dict)
    initial_radius_km: float = 400.0

    def cost_of(self, model: str) -> ModelCost:
        """The baseline cost of ``model``."""
        return self.models.get(model, self.default_cost)


@dataclass(frozen=True, slots=True)
class Score:
    """One candidate's expected completion time and its terms, in milliseconds."""

    node_id: str
    region: str
    distance_km: float
    rtt_ms: float
    queue_ms: float
    service_ms: float
    fetch_ms: float
    p95_ms: float
    """The node's recent 95th-percentile service time for the model (estimated if unknown)."""

    @property
    def total_ms(self) -> float:
        """Expected completion time: the sum of the terms."""
        return self.rtt_ms + self.queue_ms + self.service_ms + self.fetch_ms


@dataclass(frozen=True, slots=True)
class Exclusion:
    """A node that was not a candidate, and why (``reason`` is a short machine-ish phrase)."""

    node_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class Explanation:
    """The full decision: candidates best first, then the excluded nodes."""

    model: str
    tokens: int
    origin: GeoPoint
    ranking: list[Score]
    excluded: list[Exclusion]

    @property
    def chosen(self) -> Score | None:
        """The winner, or ``None`` when nothing qualified."""
        return self.ranking[0] if self.ranking else None


class Router:
    """Scores nodes of a :class:`NodeRegistry`; pure computation, no I/O."""

    def __init__(self, registry: NodeRegistry, config: RouterConfig | None = None) -> None:
        self.registry = registry
        self.config = config if config is not None else RouterConfig()

    def route(
        self,
        model: str,
        tokens: int,
        origin: GeoPoint,
        policy: EdgePolicy = EdgePolicy.ANY,
        organization_id: uuid.UUID | None = None,
    ) -> Score | None:
        """The best candidate for this request, or ``None`` if no node qualifies."""
        if policy is EdgePolicy.CLOUD_ONLY:
            return None
        registry = self.registry
        config = self.config
        index = registry.index
        now = registry.now()
        dead_after = registry.config.dead_after_s
        active = NodeStatus.ACTIVE
        own_only = policy is EdgePolicy.OWN_ORGANIZATION
        overhead = config.rtt_overhead_ms
        cost = config.cost_of(model)
        base_per_token = cost.ms_per_token
        fetch_ms = cost.artifact_mb * 8.0 / config.fetch_mbps * 1000.0 + cost.load_ms
        floor_ms = tokens * registry.min_ms_per_token
        order_scale, order_offset = registry.order_bound(tokens)
        lat, lon = origin.lat, origin.lon
        # The origin's half of the haversine formula, as haversine_km_raw computes it.
        p1 = math.radians(lat)
        cos_p1 = math.cos(p1)
        best: NodeState | None = None
        best_ms, best_id = math.inf, ""
        searched = -1.0  # cells within this many km have been looked at
        radius = config.initial_radius_km
        while True:
            for bound_km, _, _, entries in index.nearest_cells(lat, lon, radius, searched):
                cell_rtt = 2.0 * bound_km / FIBRE_KM_PER_MS + overhead
                if cell_rtt + floor_ms > best_ms:
                    break  # cells come nearest first: nothing here or farther can win
                for order_key, node_id, node in entries:
                    # Entries are sorted by a lower bound of queue + service (see
                    # NodeRegistry.order_bound): once one cannot win, none after it can.
                    if cell_rtt + order_key * order_scale + order_offset > best_ms:
                        break
                    speed_key = node.speed_key
                    in_flight, dispatched = node.in_flight, node.dispatched
                    load = in_flight if in_flight > dispatched else dispatched
                    concurrency = node.concurrency
                    if load >= concurrency:
                        continue
                    if model in node.models_cached:
                        fetch = 0.0
                    elif not node.can_fetch or cell_rtt + tokens * speed_key + fetch_ms > best_ms:
                        continue
                    else:
                        fetch = fetch_ms
                    # The same terms as _terms, in the same float operations.
                    known = node.measured.get(model)
                    if known is None:
                        per_token = max(base_per_token * core_scale(node.cores), speed_key)
                        recent = per_token * ESTIMATED_RECENT_TOKENS
                    else:
                        per_token, recent = known
                    queue = load * recent / concurrency
                    service = tokens * per_token
                    # A lower bound of the total (the cell's distance bound for the node's):
                    # float addition is monotonic, so a node pruned here cannot win or tie.
                    if cell_rtt + queue + service + fetch > best_ms:
                        continue
                    if (
                        node.status is not active
                        or not node.in_pool
                        or node.draining
                        or now - node.last_heartbeat > dead_after
                        or (
                            own_only
                            and (organization_id is None or node.organization_id != organization_id)
                        )
                    ):
                        continue
                    p2 = math.radians(node.lat)
                    h = (
                        math.sin((p2 - p1) / 2) ** 2
                        + cos_p1 * math.cos(p2) * math.sin(math.radians(node.lon - lon) / 2) ** 2
                    )
                    distance = 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))
                    total = 2.0 * distance / FIBRE_KM_PER_MS + overhead + queue + service + fetch
                    if total < best_ms or (total == best_ms and node_id < best_id):
                        best, best_ms, best_id = node, total, node_id
            # Beyond ``needed`` km the round trip alone loses to the best found so far.
            needed = (best_ms - overhead - floor_ms) * FIBRE_KM_PER_MS / 2.0
            if radius >= HALF_CIRCUMFERENCE_KM or needed <= radius:
                return self._score(best, model, tokens, origin) if best is not None else None
            searched = radius
            radius = min(HALF_CIRCUMFERENCE_KM, radius * 2.0 if best is None else needed)

    def explain(
        self,
        model: str,
        tokens: int,
        origin: GeoPoint,
        policy: EdgePolicy = EdgePolicy.ANY,
        organization_id: uuid.UUID | None = None,
    ) -> Explanation:
        """Score every node: the full ranking (best first) and each exclusion's reason."""
        now = self.registry.now()
        ranking: list[Score] = []
        excluded: list[Exclusion] = []
        for node in sorted(self.registry, key=lambda n: n.node_id):
            reason = (
                "policy: cloud_only"
                if policy is EdgePolicy.CLOUD_ONLY
                else self._exclusion(node, model, policy, organization_id, now)
            )
            if reason is not None:
                excluded.append(Exclusion(node.node_id, reason))
                continue
            ranking.append(self._score(node, model, tokens, origin))
        ranking.sort(key=lambda s: (s.total_ms, s.node_id))
        return Explanation(model, tokens, origin, ranking, excluded)

    def _exclusion(
        self,
        node: NodeState,
        model: str,
        policy: EdgePolicy,
        organization_id: uuid.UUID | None,
        now: float,
    ) -> str | None:
        if node.status is not NodeStatus.ACTIVE:
            return f"status: {node.status.value}"
        if not node.in_pool:
            return (
                f"rejoining: {node.healthy_streak}/{self.registry.config.rejoin_after} "
                "healthy heartbeats"
            )
        age = now - node.last_heartbeat
        if age > self.registry.config.dead_after_s:
            return f"unhealthy: last heartbeat {age:.1f}s ago"
        if node.draining:
            return "draining"
        if node.load >= node.concurrency:
            return f"overloaded: {node.load}/{node.concurrency} in flight"
        if policy is EdgePolicy.OWN_ORGANIZATION and (
            organization_id is None or node.organization_id != organization_id
        ):
            return "policy: another organization's node"
        if model not in node.models_cached and not node.can_fetch:
            return "model: not cached and the node cannot fetch it"
        return None

    def _terms(self, node: NodeState, model: str, tokens: int) -> tuple[float, float, float, float]:
        """(queue, service, fetch, p95) in milliseconds for ``tokens`` of ``model`` on ``node``."""
        cost = self.config.cost_of(model)
        stats = node.stats.get(model)
        if stats is not None and stats.samples >= MIN_SAMPLES and stats.ms_per_token > 0:
            per_token = stats.ms_per_token
            recent = stats.p50_ms
            p95 = stats.p95_ms
        else:
            # Never estimate a node faster than it measured itself on any model (every task
            # runs the same encoder), nor faster than its speed key.
            per_token = max(cost.ms_per_token * core_scale(node.cores), node.speed_key)
            recent = per_token * ESTIMATED_RECENT_TOKENS
            p95 = 2.0 * max(recent, tokens * per_token)
        fetch = 0.0
        if model not in node.models_cached:
            fetch = cost.artifact_mb * 8.0 / self.config.fetch_mbps * 1000.0 + cost.load_ms
        return node.load * recent / node.concurrency, tokens * per_token, fetch, p95

    def _rest_ms(self, node: NodeState, model: str, tokens: int) -> float:
        queue, service, fetch, _ = self._terms(node, model, tokens)
        return queue + service + fetch

    def _score(self, node: NodeState, model: str, tokens: int, origin: GeoPoint) -> Score:
        distance = haversine_km_raw(origin.lat, origin.lon, node.lat, node.lon)
        queue, service, fetch, p95 = self._terms(node, model, tokens)
        return Score(
            node_id=node.node_id,
            region=node.region,
            distance_km=distance,
            rtt_ms=2.0 * distance / FIBRE_KM_PER_MS + self.config.rtt_overhead_ms,
            queue_ms=queue,
            service_ms=service,
            fetch_ms=fetch,
            p95_ms=p95,
        )

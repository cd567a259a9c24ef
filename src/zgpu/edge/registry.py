"""The gateway's in-memory view of the edge fleet, fed by announces and heartbeats.

Health without flapping. A node whose last heartbeat is older than ``missed_limit`` intervals
is out of the pool (the router checks the age itself, so no sweep is needed to stop routing to
it). Once out, it comes back only after ``rejoin_after`` consecutive heartbeats, each arriving
within ``1.5`` intervals of the previous one. A node silent for ``identity_ttl_s`` is
forgotten entirely and must announce again.

Identity. Announces are untrusted claims about hardware and position; who owns a node and
whether it may serve comes from the platform's node records, given to :meth:`set_identity` /
:meth:`replace_identities`. With ``require_identity`` (the default), a node without an
identity is not in the view; its latest announce is kept (a bounded number of them) and applied
when its identity arrives, so a node enrolled a moment ago joins without waiting for its next
announce.
"""

from __future__ import annotations

import math
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum

from zgpu.edge.geo import GeoPoint, region_of
from zgpu.edge.messages import ModelStats, NodeAnnounce, NodeHeartbeat
from zgpu.edge.spatial import GridIndex

MIN_SAMPLES = 3
"""Heartbeat statistics with fewer samples than this are ignored in favour of estimates."""

REFERENCE_CORES = 4
"""Core count at which a model's baseline per-token time applies."""

ESTIMATED_RECENT_TOKENS = 128
"""A node's recent service time for a model it has not measured is assumed to be this many
tokens at its estimated per-token time (the queue term's estimate)."""

ORDER_SLACK = 1.0 - 1e-9
""":meth:`NodeRegistry.order_bound` is scaled by this so float rounding never puts it above a
total the router computes (1 ppb: far above the rounding error of a few operations)."""


def core_scale(cores: int) -> float:
    """How a node's per-token time compares with a ``REFERENCE_CORES`` machine: the square
    root of the core ratio (batching gains less than linearly), never below a quarter."""
    return max(0.25, math.sqrt(REFERENCE_CORES / max(1, cores)))


def quantize_down(value: float) -> float:
    """``value`` rounded down to a step of 2^(1/8) (about 9%), so small changes keep it."""
    if value <= 0:
        return 0.0
    return float(2.0 ** (math.floor(math.log2(value) * 8) / 8))


class NodeStatus(StrEnum):
    """Whether the platform lets a node serve (mirrors the node record's status)."""

    ACTIVE = "active"
    QUARANTINED = "quarantined"
    REVOKED = "revoked"


@dataclass(frozen=True, slots=True)
class NodeIdentity:
    """What the platform knows of a node: its owner and whether it may serve."""

    node_id: str
    organization_id: uuid.UUID | None
    status: NodeStatus = NodeStatus.ACTIVE
    reputation: float = 1.0


@dataclass(frozen=True, slots=True)
class RegistryConfig:
    """Heartbeat timing: ``interval_s`` between heartbeats, out after ``missed_limit`` missed,
    back after ``rejoin_after`` healthy ones, forgotten after ``identity_ttl_s`` of silence."""

    interval_s: float = 1.0
    missed_limit: int = 3
    rejoin_after: int = 3
    identity_ttl_s: float = 60.0
    require_identity: bool = True
    unknown_announces: int = 1024
    """Announces of nodes without an identity kept (newest) until their identity arrives."""
    cell_deg: float = 4.0
    estimate_ms_per_token: float = 0.2
    """Per-token time assumed for a node that has not measured itself yet (before
    :func:`core_scale`); the router never estimates a node faster than this."""
    order_tokens: int = 256
    """The request size (at least 1) at which each cell's sort key (see :class:`NodeState`)
    is exact; the router's bound from it weakens the further a request is from this size."""

    @property
    def dead_after_s(self) -> float:
        """Heartbeat age beyond which a node is out of the pool."""
        return self.interval_s * self.missed_limit


@dataclass(slots=True)
class NodeState:
    """One node as the registry sees it; the router reads these fields directly."""

    node_id: str
    organization_id: uuid.UUID | None
    status: NodeStatus
    reputation: float
    lat: float
    lon: float
    region: str
    cores: int
    memory_mb: int
    concurrency: int
    models_cached: frozenset[str]
    can_fetch: bool
    announced_at: float
    last_heartbeat: float = float("-inf")
    heartbeat_seq: int = -1
    in_flight: int = 0
    queue_depth: int = 0
    draining: bool = False
    in_pool: bool = False
    healthy_streak: int = 0
    dispatched: int = 0
    speed_key: float = 0.0
    """A lower bound of the node's per-token time for any model."""
    queue_key: float = 0.0
    """A lower bound of the node's queue term for any model, as of its last heartbeat:
    requests in flight × its smallest recent service time / concurrency."""
    order_key: float = 0.0
    """Its cell is sorted by this: at most ``queue_key + order_tokens × speed_key``, so at
    most the node's queue plus service time for ``order_tokens`` tokens of any model."""
    stats: dict[str, ModelStats] = field(default_factory=dict)
    measured: dict[str, tuple[float, float]] = field(default_factory=dict)
    """Per model with enough samples (see ``MIN_SAMPLES``): its per-token time and its recent
    (p50) service time in ms, from ``stats``."""

    @property
    def position(self) -> GeoPoint:
        """Where the node said it is."""
        return GeoPoint(self.lat, self.lon)

    @property
    def load(self) -> int:
        """Requests the node holds: the larger of its last report and what this gateway has
        sent it since (which the next heartbeat will include)."""
        return max(self.in_flight, self.dispatched)


class NodeRegistry:
    """Live nodes by id, spatially indexed. Single event loop; methods never block."""

    def __init__(
        self, config: RegistryConfig | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.config = config if config is not None else RegistryConfig()
        self._clock = clock
        self._nodes: dict[str, NodeState] = {}
        self._identities: dict[str, NodeIdentity] = {}
        self._identity_set_at: dict[str, float] = {}
        # Announces of nodes not known yet (just enrolled): applied once their identity comes.
        self._unknown: OrderedDict[str, NodeAnnounce] = OrderedDict()
        self.index: GridIndex[NodeState] = GridIndex(self.config.cell_deg)
        self._min_ms_per_token = math.inf

    def __len__(self) -> int:
        return len(self._nodes)

    def __iter__(self) -> Iterator[NodeState]:
        return iter(list(self._nodes.values()))

    def get(self, node_id: str) -> NodeState | None:
        """The node with this id, or ``None``."""
        return self._nodes.get(node_id)

    def now(self) -> float:
        """The registry's clock (monotonic seconds)."""
        return self._clock()

    @property
    def min_ms_per_token(self) -> float:
        """At most every node's ``speed_key`` (a pruning bound of the router); 0 when empty."""
        return self._min_ms_per_token if self._nodes else 0.0

    def set_identity(self, identity: NodeIdentity) -> None:
        """Record (or update) what the platform says about a node; applies at once (a revoked
        node is dropped from the view and its announces are ignored from now on)."""
        self._identities[identity.node_id] = identity
        self._identity_set_at[identity.node_id] = self._clock()
        if identity.status is NodeStatus.REVOKED:
            self._unknown.pop(identity.node_id, None)
            self.forget(identity.node_id)
            return
        node = self._nodes.get(identity.node_id)
        if node is None:
            waiting = self._unknown.pop(identity.node_id, None)
            if waiting is not None:
                self.apply_announce(waiting)
        else:
            node.organization_id = identity.organization_id
            node.status = identity.status
            node.reputation = identity.reputation

    def replace_identities(
        self, identities: Iterable[NodeIdentity], *, as_of: float | None = None
    ) -> None:
        """Replace every identity; nodes left without one are dropped when required.

        ``as_of`` is when ``identities`` were read (registry clock): an identity set with
        :meth:`set_identity` after that moment is newer than the snapshot and is kept.
        """
        fresh = {identity.node_id: identity for identity in identities}
        if as_of is not None:
            for node_id, set_at in self._identity_set_at.items():
                if set_at > as_of:
                    fresh[node_id] = self._identities[node_id]
        self._identities = {}
        self._identity_set_at = {}
        for node_id in list(self._nodes):
            if node_id not in fresh and self.config.require_identity:
                self.forget(node_id)
        for identity in fresh.values():
            self.set_identity(identity)

    def identity(self, node_id: str) -> NodeIdentity | None:
        """The platform's record of ``node_id``, if known."""
        return self._identities.get(node_id)

    def apply_announce(self, announce: NodeAnnounce) -> NodeState | None:
        """Add or update a node from its announce; ``None`` if it has no identity (ignored)
        or is revoked. Load and health are kept across re-announces."""
        identity = self._identities.get(announce.node_id)
        if identity is None and self.config.require_identity:
            self._unknown[announce.node_id] = announce
            self._unknown.move_to_end(announce.node_id)
            if len(self._unknown) > self.config.unknown_announces:
                self._unknown.popitem(last=False)
            return None
        if identity is not None and identity.status is NodeStatus.REVOKED:
            self.forget(announce.node_id)
            return None
        region = announce.region or region_of(GeoPoint(announce.lat, announce.lon))
        node = self._nodes.get(announce.node_id)
        if node is None:
            node = NodeState(
                node_id=announce.node_id,
                organization_id=identity.organization_id if identity else None,
                status=identity.status if identity else NodeStatus.ACTIVE,
                reputation=identity.reputation if identity else 1.0,
                lat=announce.lat,
                lon=announce.lon,
                region=region,
                cores=announce.hardware.cores,
                memory_mb=announce.hardware.memory_mb,
                concurrency=announce.concurrency,
                models_cached=frozenset(announce.models_cached),
                can_fetch=announce.can_fetch,
                announced_at=self._clock(),
            )
            self._nodes[node.node_id] = node
        else:
            node.lat, node.lon, node.region = announce.lat, announce.lon, region
            node.cores = announce.hardware.cores
            node.memory_mb = announce.hardware.memory_mb
            node.concurrency = announce.concurrency
            node.models_cached = frozenset(announce.models_cached)
            node.can_fetch = announce.can_fetch
            node.announced_at = self._clock()
        self._reindex(node)
        return node

    def _reindex(self, node: NodeState) -> None:
        """Recompute the node's keys from its latest announce/heartbeat and re-sort it.

        The keys are lower bounds of what :class:`~zgpu.edge.router.Router` computes for any
        model until the next heartbeat: the router's per-token time is a measured one (at
        least their minimum) or an estimate it never puts below ``speed_key``; its recent
        service time is a measured p50 or ``ESTIMATED_RECENT_TOKENS`` estimated tokens; its
        load is at least ``in_flight``, and ``in_flight`` only grows between heartbeats.
        """
        measured = [
            s for s in node.stats.values() if s.samples >= MIN_SAMPLES and s.ms_per_token > 0
        ]
        node.measured = {s.model: (s.ms_per_token, s.p50_ms) for s in measured}
        raw = (
            min(s.ms_per_token for s in measured)
            if measured
            else self.config.estimate_ms_per_token * core_scale(node.cores)
        )
        node.speed_key = quantize_down(raw)
        recent = node.speed_key * ESTIMATED_RECENT_TOKENS
        for stats in measured:
            recent = min(recent, stats.p50_ms)
        node.queue_key = node.in_flight * recent / node.concurrency if node.concurrency else 0.0
        order_tokens = max(1, self.config.order_tokens)
        node.order_key = quantize_down(node.queue_key + order_tokens * node.speed_key)
        self._min_ms_per_token = min(self._min_ms_per_token, node.speed_key)
        self.index.put(node.node_id, node.lat, node.lon, node, node.order_key)

    def order_bound(self, tokens: int) -> tuple[float, float]:
        """``(scale, offset)`` such that, for a request of ``tokens`` tokens, a node with sort
        key ``k`` and every node after it in its cell expect at least ``k × scale + offset``
        ms of queue and service time (float rounding included).

        With ``c = order_tokens``, a later node's queue ``q`` and per-token time ``a`` satisfy
        ``q + c·a ≥ k``; so for ``tokens ≥ c`` its ``q + tokens·a ≥ k + (tokens − c)·a_min``,
        and for ``tokens < c`` (as ``q ≥ 0``) ``q + tokens·a ≥ k · tokens / c``.
        """
        c = max(1, self.config.order_tokens)
        if tokens >= c:
            return ORDER_SLACK, (tokens - c) * self.min_ms_per_token * ORDER_SLACK
        return tokens / c * ORDER_SLACK, 0.0

    def apply_heartbeat(self, heartbeat: NodeHeartbeat) -> NodeState | None:
        """Update a node's load and health; ``None`` for a node that has not announced."""
        node = self._nodes.get(heartbeat.node_id)
        if node is None:
            return None
        now = self._clock()
        config = self.config
        gap = now - node.last_heartbeat
        restarted = heartbeat.seq < node.heartbeat_seq
        if gap > config.dead_after_s and node.in_pool:
            node.in_pool = False
            node.healthy_streak = 0
        if gap <= 1.5 * config.interval_s and not restarted:
            node.healthy_streak += 1
        else:
            node.healthy_streak = 1
        if not node.in_pool:
            first_join = node.heartbeat_seq < 0
            node.in_pool = first_join or node.healthy_streak >= config.rejoin_after
        node.last_heartbeat = now
        node.heartbeat_seq = heartbeat.seq
        node.in_flight = heartbeat.in_flight
        node.queue_depth = heartbeat.queue_depth
        node.concurrency = heartbeat.concurrency
        node.draining = heartbeat.draining
        node.dispatched = min(node.dispatched, heartbeat.in_flight)
        if heartbeat.models_cached:
            node.models_cached = frozenset(heartbeat.models_cached)
        node.stats = {stats.model: stats for stats in heartbeat.stats}
        self._reindex(node)
        return node

    def is_live(self, node: NodeState, now: float) -> bool:
        """In the pool and heard from within the heartbeat bound."""
        return node.in_pool and now - node.last_heartbeat <= self.config.dead_after_s

    def note_dispatched(self, node_id: str) -> None:
        """This gateway sent ``node_id`` a request (counted until :meth:`note_finished`)."""
        node = self._nodes.get(node_id)
        if node is not None:
            node.dispatched += 1

    def note_finished(self, node_id: str) -> None:
        """A request sent with :meth:`note_dispatched` has finished (or failed)."""
        node = self._nodes.get(node_id)
        if node is not None and node.dispatched > 0:
            node.dispatched -= 1

    def mark_out(self, node_id: str) -> None:
        """Take a node out of the pool now (it failed a request); it rejoins like any other."""
        node = self._nodes.get(node_id)
        if node is not None:
            node.in_pool = False
            node.healthy_streak = 0

    def forget(self, node_id: str) -> None:
        """Drop a node from the view (it must announce again)."""
        if self._nodes.pop(node_id, None) is not None:
            self.index.remove(node_id)

    def sweep(self) -> list[str]:
        """Housekeeping, about once per interval: drop nodes silent for ``identity_ttl_s``,
        mark late ones out of the pool, recompute the pruning bound. Returns the dropped ids."""
        now = self._clock()
        dropped = []
        lowest = math.inf
        for node in list(self._nodes.values()):
            silent = now - max(node.last_heartbeat, node.announced_at)
            if silent > self.config.identity_ttl_s:
                self.forget(node.node_id)
                dropped.append(node.node_id)
                continue
            if node.in_pool and now - node.last_heartbeat > self.config.dead_after_s:
                node.in_pool = False
                node.healthy_streak = 0
            lowest = min(lowest, node.speed_key)
        self._min_ms_per_token = lowest
        return dropped

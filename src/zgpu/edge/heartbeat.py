"""Both ends of the heartbeat protocol.

Node side: :class:`ServiceStats` keeps a sliding window of recent service times per model, and
:class:`Beacon` publishes the node's :class:`~zgpu.edge.messages.NodeAnnounce` (at start and
every ``announce_every_s``, so a gateway that starts later learns of it) and a
:class:`~zgpu.edge.messages.NodeHeartbeat` every ``interval_s``.

Gateway side: :class:`RegistryFeed` subscribes to every node's announces and heartbeats and
applies them to a :class:`~zgpu.edge.registry.NodeRegistry`, sweeping it once per interval.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import statistics
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import nats
from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription

from zgpu.aio import cancel_and_wait
from zgpu.edge.errors import MalformedMessage
from zgpu.edge.messages import (
    ModelStats,
    NodeAnnounce,
    NodeHeartbeat,
    decode_announce,
    decode_heartbeat,
    encode,
    unix_ms_now,
)
from zgpu.edge.registry import NodeRegistry
from zgpu.edge.subjects import (
    NODE_ANNOUNCE_ALL,
    NODE_HEARTBEAT_ALL,
    node_announce,
    node_heartbeat,
    node_id_of,
)

log = logging.getLogger(__name__)


class ServiceStats:
    """The last ``window`` service times of each model, summarised for heartbeats."""

    def __init__(self, window: int = 64) -> None:
        self._window = window
        self._samples: dict[str, deque[tuple[float, int]]] = {}

    def record(self, model: str, service_ms: float, input_tokens: int) -> None:
        """One request of ``model`` took ``service_ms`` for ``input_tokens`` tokens."""
        samples = self._samples.setdefault(model, deque(maxlen=self._window))
        samples.append((service_ms, max(1, input_tokens)))

    def summary(self) -> list[ModelStats]:
        """Per model: samples, p50 and p95 of service time, median milliseconds per token."""
        out = []
        for model, samples in sorted(self._samples.items()):
            times = sorted(ms for ms, _ in samples)
            per_token = statistics.median(ms / tokens for ms, tokens in samples)
            out.append(
                ModelStats(
                    model=model,
                    samples=len(times),
                    p50_ms=times[len(times) // 2],
                    p95_ms=times[min(len(times) - 1, math.ceil(0.95 * len(times)) - 1)],
                    ms_per_token=per_token,
                )
            )
        return out


@dataclass(frozen=True, slots=True)
class NodeLoad:
    """What a heartbeat reports about the node right now."""

    in_flight: int
    concurrency: int
    draining: bool
    models_cached: list[str]


class Beacon:
    """Publishes one node's announce and heartbeats on an open connection until stopped."""

    def __init__(
        self,
        client: NatsClient,
        announce: Callable[[], NodeAnnounce],
        load: Callable[[], NodeLoad],
        stats: ServiceStats,
        *,
        interval_s: float = 1.0,
        announce_every_s: float = 5.0,
    ) -> None:
        self._client = client
        self._announce = announce
        self._load = load
        self._stats = stats
        self._interval_s = interval_s
        self._announce_every_s = announce_every_s
        self._seq = 0
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Announce, send the first heartbeat, then keep going in the background."""
        await self._send_announce()
        await self._send_heartbeat()
        await self._client.flush()
        self._task = asyncio.create_task(self._loop())

    async def send_now(self) -> None:
        """Send a heartbeat at once (e.g. when starting to drain)."""
        await self._send_heartbeat()

    async def stop(self) -> None:
        """Stop sending. Idempotent."""
        task, self._task = self._task, None
        await cancel_and_wait(task)

    async def _loop(self) -> None:
        loop = asyncio.get_running_loop()
        next_announce = loop.time() + self._announce_every_s
        while True:
            await asyncio.sleep(self._interval_s)
            try:
                if loop.time() >= next_announce:
                    await self._send_announce()
                    next_announce = loop.time() + self._announce_every_s
                await self._send_heartbeat()
            except (nats.errors.Error, OSError) as exc:
                log.debug("heartbeat not sent: %s", exc)

    async def _send_announce(self) -> None:
        announce = self._announce()
        await self._client.publish(node_announce(announce.node_id), encode(announce))

    async def _send_heartbeat(self) -> None:
        announce = self._announce()
        load = self._load()
        heartbeat = NodeHeartbeat(
            node_id=announce.node_id,
            seq=self._seq,
            in_flight=load.in_flight,
            concurrency=load.concurrency,
            models_cached=load.models_cached,
            stats=self._stats.summary(),
            draining=load.draining,
            sent_unix_ms=unix_ms_now(),
        )
        self._seq += 1
        await self._client.publish(node_heartbeat(announce.node_id), encode(heartbeat))


class RegistryFeed:
    """Keeps a :class:`NodeRegistry` current from the fabric.

    A message whose ``node_id`` differs from its subject's last token is dropped: with per-node
    NATS permissions, the subject is what proves who sent it.
    """

    def __init__(self, client: NatsClient, registry: NodeRegistry) -> None:
        self._client = client
        self._registry = registry
        self._subscriptions: list[Subscription] = []
        self._sweeper: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Subscribe and start sweeping. Raises ``nats.errors.Error`` if subscribing fails."""
        self._subscriptions = [
            await self._client.subscribe(NODE_ANNOUNCE_ALL, cb=self._on_announce),
            await self._client.subscribe(NODE_HEARTBEAT_ALL, cb=self._on_heartbeat),
        ]
        await self._client.flush()
        self._sweeper = asyncio.create_task(self._sweep_loop())

    async def stop(self) -> None:
        """Unsubscribe and stop sweeping. Idempotent."""
        sweeper, self._sweeper = self._sweeper, None
        await cancel_and_wait(sweeper)
        for subscription in self._subscriptions:
            with contextlib.suppress(nats.errors.Error, OSError):
                await subscription.unsubscribe()
        self._subscriptions = []

    async def _on_announce(self, msg: Msg) -> None:
        try:
            announce = decode_announce(msg.data)
        except MalformedMessage as exc:
            log.debug("announce dropped: %s", exc.message)
            return
        if node_id_of(msg.subject) != announce.node_id:
            log.warning("announce for %s on %s dropped", announce.node_id, msg.subject)
            return
        self._registry.apply_announce(announce)

    async def _on_heartbeat(self, msg: Msg) -> None:
        try:
            heartbeat = decode_heartbeat(msg.data)
        except MalformedMessage as exc:
            log.debug("heartbeat dropped: %s", exc.message)
            return
        if node_id_of(msg.subject) != heartbeat.node_id:
            return
        self._registry.apply_heartbeat(heartbeat)

    async def _sweep_loop(self) -> None:
        while True:
            await asyncio.sleep(self._registry.config.interval_s)
            dropped = self._registry.sweep()
            if dropped:
                log.info("nodes silent past their TTL: %s", ", ".join(dropped))

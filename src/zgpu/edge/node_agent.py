"""The edge node: joins through the gateway's HTTP API, then serves its own fabric subject.

1. **Join** (:func:`enroll` or :func:`resume`): ``POST /v1/nodes/enroll`` with a one-time
   token (or ``/v1/nodes/session`` with the credential it got then) answers the node's id and
   the NATS URL. The node only ever dials out, so it works behind NAT.
2. **Serve** (:class:`NodeAgent`): a :class:`~zgpu.edge.worker.Worker` on
   ``zgpu.v1.infer.node.<id>`` (one credit per free slot, so a busy node gets "no responders"
   and the gateway goes elsewhere), and a :class:`~zgpu.edge.heartbeat.Beacon` announcing the
   node and heartbeating its load and service times.
3. **Drain** on :meth:`NodeAgent.request_stop` (SIGTERM): a last heartbeat says ``draining``,
   requests already taken are finished, nothing new is taken.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import platform
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import nats
from nats.aio.client import Client as NatsClient

from zgpu.edge.connection import close_quietly, open_connection
from zgpu.edge.errors import EdgeError, FabricError
from zgpu.edge.geo import GeoPoint, region_of
from zgpu.edge.heartbeat import Beacon, NodeLoad, ServiceStats
from zgpu.edge.messages import NodeAnnounce, NodeHardware, unix_ms_now
from zgpu.edge.model_runner import RuntimeRunner
from zgpu.edge.runner import TaskResult, TaskRunner
from zgpu.edge.subjects import NODE_QUEUE_GROUP, infer_node, is_valid_node_id
from zgpu.edge.worker import Worker
from zgpu.nlm.runtime import Runtime

AGENT_VERSION = "1"
_INTERESTING_FLAGS = frozenset(
    {"avx", "avx2", "avx512f", "avx512_vnni", "avx512_bf16", "fma", "sse4_2", "asimd", "neon"}
)


class EnrollmentFailed(EdgeError):
    """The gateway refused the token or credential, or could not be reached."""

    default_code = "enrollment_failed"


@dataclass(frozen=True, slots=True)
class NodeSession:
    """Who the node is and where to connect; ``credential`` only right after enrollment."""

    node_id: str
    organization_id: str
    nats_url: str
    heartbeat_interval_s: float
    credential: str | None
    location: GeoPoint | None


async def _post(
    server_url: str, path: str, body: dict[str, Any], transport: httpx.AsyncBaseTransport | None
) -> NodeSession:
    try:
        async with httpx.AsyncClient(
            base_url=server_url.rstrip("/"), transport=transport, timeout=30.0
        ) as client:
            response = await client.post(path, json=body)
    except httpx.HTTPError as exc:
        raise EnrollmentFailed(f"cannot reach {server_url}: {exc}") from exc
    if response.status_code not in (200, 201):
        try:
            message = response.json()["error"]["message"]
        except (ValueError, KeyError, TypeError):
            message = response.text[:200]
        raise EnrollmentFailed(f"{path}: HTTP {response.status_code}: {message}")
    data = response.json()
    node_id = str(data.get("node_id", ""))
    if not is_valid_node_id(node_id) or not data.get("nats_url"):
        raise EnrollmentFailed(f"{path}: the gateway's answer has no valid node id or NATS URL")
    location = None
    if isinstance(data.get("lat"), int | float) and isinstance(data.get("lon"), int | float):
        location = GeoPoint(float(data["lat"]), float(data["lon"]))
    return NodeSession(
        node_id=node_id,
        organization_id=str(data.get("organization_id", "")),
        nats_url=str(data["nats_url"]),
        heartbeat_interval_s=float(data.get("heartbeat_interval_s", 1.0)),
        credential=data.get("credential"),
        location=location,
    )


async def enroll(
    server_url: str,
    token: str,
    name: str | None = None,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
) -> NodeSession:
    """Spend an enrollment token at the gateway. Raises :class:`EnrollmentFailed`."""
    return await _post(server_url, "/v1/nodes/enroll", {"token": token, "name": name}, transport)


async def resume(
    server_url: str, credential: str, *, transport: httpx.AsyncBaseTransport | None = None
) -> NodeSession:
    """Reconnect with a credential from an earlier enrollment. Raises :class:`EnrollmentFailed`
    (for instance when the node was revoked)."""
    return await _post(server_url, "/v1/nodes/session", {"credential": credential}, transport)


def local_hardware() -> NodeHardware:
    """This machine: logical cores, memory, architecture and the CPU features that matter."""
    cores = os.cpu_count() or 1
    try:
        memory_mb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // (1 << 20)
    except (ValueError, OSError, AttributeError):
        memory_mb = 0
    flags: set[str] = set()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith(("flags", "Features")):
                flags.update(line.split(":", 1)[1].split())
                break
    except OSError:
        pass
    return NodeHardware(
        cores=cores,
        memory_mb=memory_mb,
        arch=platform.machine()[:64],
        cpu_flags=sorted(flags & _INTERESTING_FLAGS),
    )


class MeasuredRunner:
    """Wraps a runner and records each successful run's service time in ``stats``."""

    def __init__(self, runner: TaskRunner, stats: ServiceStats) -> None:
        self._runner = runner
        self._stats = stats

    async def run(self, model: str, text: str, max_output_tokens: int | None) -> TaskResult:
        """Run and measure; errors propagate unchanged."""
        started = time.perf_counter()
        result = await self._runner.run(model, text, max_output_tokens)
        self._stats.record(model, (time.perf_counter() - started) * 1000, result.input_tokens)
        return result


@dataclass(frozen=True, slots=True)
class NodeAgentConfig:
    """How a node presents itself: position, models it has, slots, heartbeat timing."""

    position: GeoPoint
    models_cached: tuple[str, ...]
    concurrency: int = 2
    region: str = ""
    can_fetch: bool = False
    heartbeat_interval_s: float = 1.0
    announce_every_s: float = 5.0
    drain_timeout_s: float = 30.0
    hardware: NodeHardware = field(default_factory=local_hardware)


class NodeAgent:
    """One edge node: serves ``infer_node(node_id)`` and heartbeats until stopped.

    Lifecycle: :meth:`start`, then :meth:`run_until_stopped` (or :meth:`drain`).
    :meth:`request_stop` may be called from a signal handler.
    """

    def __init__(
        self, nats_url: str, node_id: str, runner: TaskRunner, config: NodeAgentConfig
    ) -> None:
        """Raises ``ValueError`` for an invalid node id."""
        self._nats_url = nats_url
        self.node_id = node_id
        self._config = config
        self._stats = ServiceStats()
        self._worker = Worker(
            nats_url,
            MeasuredRunner(runner, self._stats),
            worker_id=node_id,
            concurrency=config.concurrency,
            subject=infer_node(node_id),
            queue_group=NODE_QUEUE_GROUP,
            connect_timeout_s=None,
            drain_timeout_s=config.drain_timeout_s,
        )
        self._draining = False
        self._beacon: Beacon | None = None
        self._beacon_client: NatsClient | None = None
        self._stop = asyncio.Event()

    def announce(self) -> NodeAnnounce:
        """This node's current announce."""
        config = self._config
        return NodeAnnounce(
            node_id=self.node_id,
            lat=config.position.lat,
            lon=config.position.lon,
            region=config.region or region_of(config.position),
            hardware=config.hardware,
            models_cached=list(config.models_cached),
            can_fetch=config.can_fetch,
            concurrency=config.concurrency,
            agent_version=AGENT_VERSION,
            sent_unix_ms=unix_ms_now(),
        )

    def load(self) -> NodeLoad:
        """What the next heartbeat reports."""
        return NodeLoad(
            in_flight=self._worker.in_flight,
            concurrency=self._config.concurrency,
            draining=self._draining,
            models_cached=list(self._config.models_cached),
        )

    async def start(self) -> None:
        """Subscribe the node's slots, then announce and start heartbeating.

        Raises:
            FabricError: the fabric cannot be reached.
        """
        await self._worker.start()
        client = await open_connection(self._nats_url, name=f"zgpu-node-{self.node_id}")
        beacon = Beacon(
            client,
            self.announce,
            self.load,
            self._stats,
            interval_s=self._config.heartbeat_interval_s,
            announce_every_s=self._config.announce_every_s,
        )
        try:
            await beacon.start()
        except Exception as exc:
            await close_quietly(client)
            await self._worker.drain()
            raise FabricError(f"node {self.node_id} cannot announce itself: {exc}") from exc
        self._beacon = beacon
        self._beacon_client = client

    def request_stop(self) -> None:
        """Ask :meth:`run_until_stopped` to drain and return. Safe from a signal handler."""
        self._stop.set()

    async def run_until_stopped(self) -> None:
        """Serve until :meth:`request_stop`, then drain."""
        await self._stop.wait()
        await self.drain()

    async def drain(self) -> None:
        """Say ``draining``, finish what was taken, take nothing new, disconnect."""
        self._draining = True
        beacon, self._beacon = self._beacon, None
        if beacon is not None:
            # If this fails the gateway notices the silence instead.
            with contextlib.suppress(nats.errors.Error, OSError):
                await beacon.send_now()
        await self._worker.drain()
        if beacon is not None:
            await beacon.stop()
        client, self._beacon_client = self._beacon_client, None
        if client is not None:
            await close_quietly(client)


async def run_edge_node(
    server_url: str,
    token: str,
    lat: float | None,
    lon: float | None,
    runtime: Runtime,
    say: Callable[[str], object],
) -> None:
    """What ``zgpu node --server URL --token TOKEN`` does: enroll, serve the runtime's models on
    this node's subject until SIGTERM/SIGINT, then drain.

    The position is ``lat, lon`` when given, else where the gateway places this machine's
    address by GeoIP.

    Raises:
        EnrollmentFailed: the gateway refused the token or could not be reached.
        FabricError: the fabric cannot be reached.
    """
    session = await enroll(server_url, token, platform.node()[:200] or None)
    if lat is not None and lon is not None:
        position = GeoPoint(lat, lon)
    elif session.location is not None:
        position = session.location
    else:
        raise EnrollmentFailed(
            "the gateway could not place this machine: pass --lat and --lon", "position_unknown"
        )
    config = NodeAgentConfig(
        position=position,
        models_cached=tuple(runtime.registry.ids()),
        concurrency=max(1, os.cpu_count() or 1),
        heartbeat_interval_s=session.heartbeat_interval_s,
    )
    agent = NodeAgent(session.nats_url, session.node_id, RuntimeRunner(runtime), config)
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, agent.request_stop)
    await agent.start()
    say(f"Node {session.node_id} serving at {position} via {session.nats_url}")
    if session.credential:
        say(f"Node credential (keep it to reconnect): {session.credential}")
    await agent.run_until_stopped()

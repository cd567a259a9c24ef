"""The edge node: joins through the gateway's HTTP API, then serves its own fabric subject.

1. **Join** (:mod:`zgpu.edge.node_join`: :func:`enroll` or :func:`resume`, retried with
   jittered backoff): ``POST /v1/nodes/enroll`` with a one-time token (or ``/v1/nodes/session``
   with the credential it got then) answers the node's id, the NATS URL and a short-lived NATS
   JWT for the node's own key, renewed in the background. The node only ever dials out, so it
   works behind NAT. Missing model artifacts are fetched from the gateway by sha256 and
   verified (:mod:`zgpu.edge.artifact_fetch`) before the models load.
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
import logging
import os
import platform
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import nats
from nats.aio.client import Client as NatsClient

from zgpu.edge.artifact_fetch import ArtifactFetcher, ArtifactFetchFailed, Progress
from zgpu.edge.connection import close_quietly, open_connection
from zgpu.edge.errors import FabricError
from zgpu.edge.geo import GeoPoint, region_of
from zgpu.edge.heartbeat import Beacon, NodeLoad, ServiceStats
from zgpu.edge.messages import NodeAnnounce, NodeHardware, unix_ms_now
from zgpu.edge.model_runner import RuntimeRunner
from zgpu.edge.nats_auth import FabricCredentials
from zgpu.edge.nats_jwt import KeyPair
from zgpu.edge.node_join import (
    CredentialRenewer,
    EnrollmentFailed,
    NodeSession,
    enroll,
    join_with_retry,
    new_node_key,
    resume,
)
from zgpu.edge.runner import TaskResult, TaskRunner
from zgpu.edge.subjects import NODE_QUEUE_GROUP, infer_node
from zgpu.edge.worker import Worker
from zgpu.nlm.runtime import Runtime

__all__ = [
    "EnrollmentFailed",
    "MeasuredRunner",
    "NodeAgent",
    "NodeAgentConfig",
    "NodeSession",
    "enroll",
    "local_hardware",
    "resume",
    "run_edge_node",
]

log = logging.getLogger(__name__)

AGENT_VERSION = "1"
_INTERESTING_FLAGS = frozenset(
    {"avx", "avx2", "avx512f", "avx512_vnni", "avx512_bf16", "fma", "sse4_2", "asimd", "neon"}
)


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
        self,
        nats_url: str,
        node_id: str,
        runner: TaskRunner,
        config: NodeAgentConfig,
        credentials: FabricCredentials | None = None,
    ) -> None:
        """Raises ``ValueError`` for an invalid node id. ``credentials``: the node's NATS
        identity when the fabric requires one (it may be renewed while the agent runs)."""
        self._nats_url = nats_url
        self._credentials = credentials
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
            credentials=credentials,
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
        client = await open_connection(
            self._nats_url, name=f"zgpu-node-{self.node_id}", credentials=self._credentials
        )
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
    *,
    model_dir: Path,
    load_runtime: Callable[[], Runtime],
    say: Callable[[str], object],
    progress: Progress | None = None,
) -> None:
    """What ``zgpu node --server URL --token TOKEN`` does: enroll (retrying transient failures
    with jittered backoff), fetch the model artifacts this node lacks from the gateway into
    ``model_dir`` (verified by sha256), load the models with ``load_runtime``, serve them on
    this node's subject until SIGTERM/SIGINT, then drain. The node's NATS JWT is renewed in the
    background; if the gateway refuses a renewal (the node was revoked), the node drains.

    The position is ``lat, lon`` when given, else where the gateway places this machine's
    address by GeoIP.

    Raises:
        EnrollmentFailed: the gateway refused the token or could not be reached.
        FabricError: the fabric cannot be reached.
    """
    key = new_node_key()
    name = platform.node()[:200] or None
    session = await join_with_retry(
        lambda: enroll(server_url, token, name, public_key=key.public_key)
    )
    if lat is not None and lon is not None:
        position = GeoPoint(lat, lon)
    elif session.location is not None:
        position = session.location
    else:
        raise EnrollmentFailed(
            "the gateway could not place this machine: pass --lat and --lon", "position_unknown"
        )
    credential = session.credential
    if credential is None:
        raise EnrollmentFailed("the gateway sent no node credential")
    say(f"Node credential (keep it to reconnect): {credential}")
    fetcher = ArtifactFetcher(server_url, credential, model_dir, progress=progress)
    try:
        fetched = await fetcher.sync()
        if fetched:
            say(f"Fetched and verified {len(fetched)} model artifact(s) from the gateway")
    except ArtifactFetchFailed as exc:
        say(f"Could not fetch model artifacts ({exc.message}); building them locally")
    runtime = await asyncio.to_thread(load_runtime)
    try:
        await _serve_node(server_url, credential, key, session, position, runtime, say)
    finally:
        runtime.close()


async def _serve_node(
    server_url: str,
    credential: str,
    key: KeyPair,
    session: NodeSession,
    position: GeoPoint,
    runtime: Runtime,
    say: Callable[[str], object],
) -> None:
    config = NodeAgentConfig(
        position=position,
        models_cached=tuple(runtime.registry.ids()),
        concurrency=max(1, os.cpu_count() or 1),
        heartbeat_interval_s=session.heartbeat_interval_s,
    )
    credentials = session.fabric_credentials(key)
    agent = NodeAgent(
        session.nats_url, session.node_id, RuntimeRunner(runtime), config, credentials
    )
    renewer = None
    if credentials is not None:
        renewer = CredentialRenewer(
            credentials,
            lambda: resume(server_url, credential, public_key=credentials.public_key),
            lambda _exc: agent.request_stop(),
        )
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, agent.request_stop)
    await agent.start()
    if renewer is not None:
        renewer.start()
    say(f"Node {session.node_id} serving at {position} via {session.nats_url}")
    try:
        await agent.run_until_stopped()
    finally:
        if renewer is not None:
            await renewer.stop()

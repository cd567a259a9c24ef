"""A real gateway app under uvicorn in a background thread, with a real NATS server and a real
database, and an HTTP client that remembers every response body for the leak checks."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from argon2 import PasswordHasher
from tokenizers import Tokenizer
from tokenizers.models import WordLevel

from zgpu.api.app import create_app
from zgpu.api.gateway import Gateway
from zgpu.config import Settings
from zgpu.nlm.registry import ModelRegistry
from zgpu.nlm.window import ContextWindow
from zgpu.platform.db import upgrade_to_head
from zgpu.platform.users import PasswordHashing

_CLIENT_LOGGERS = ("httpx", "httpcore")


class LogCapture(logging.Handler):
    """Every log record of the server side of the process (the test's own HTTP client logs
    are left out), formatted with its traceback."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        if not record.name.startswith(_CLIENT_LOGGERS):
            self.lines.append(self.format(record))


@dataclass
class Live:
    """A running gateway: its URL, its services, its log lines and every response body."""

    url: str
    gateway: Gateway
    logs: LogCapture
    bodies: list[str] = field(default_factory=list)

    def client(self, **kwargs: Any) -> httpx.Client:
        """A client of this gateway whose response bodies are recorded in ``bodies``."""

        def record(response: httpx.Response) -> None:
            response.read()
            self.bodies.append(response.text)

        return httpx.Client(
            base_url=self.url, timeout=30, event_hooks={"response": [record]}, **kwargs
        )


def _window() -> ContextWindow:
    """A real (tiny) tokenizer: the management API never tokenizes."""
    return ContextWindow(Tokenizer(WordLevel({"[UNK]": 0}, unk_token="[UNK]")))


@contextmanager
def live_gateway(data_dir: Path, database_url: str, nats_url: str) -> Iterator[Live]:
    """Migrate the database, serve ``create_app`` on a free port, and capture all logging.

    Passwords are hashed with a cheaper argon2id (1 pass, 8 MiB) so the suites stay fast; the
    rules and the code path are the production ones.
    """
    upgrade_to_head(database_url)
    settings = Settings(
        data_dir=data_dir, database_url=database_url, nats_url=nats_url, key_cache_ttl_s=0.5
    )
    app = create_app(settings, _window(), ModelRegistry())
    capture = LogCapture()
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(capture)
    root.setLevel(logging.DEBUG)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_config=None, access_log=True, http="h11", loop="asyncio")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    gateway: Gateway = app.state.gateway
    gateway.passwords = PasswordHashing(
        PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
    )
    try:
        yield Live(f"http://127.0.0.1:{port}", gateway, capture)
    finally:
        server.should_exit = True
        thread.join(30)
        sock.close()
        root.removeHandler(capture)
        root.setLevel(old_level)

"""Running a gateway process: embedded NATS and a local worker when configured, then HTTP.

This is the fleet path with every part started locally: the gateway still talks to its worker
over NATS, so a second ``zgpu node --cloud`` joins the same queue group and shares the load.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections.abc import AsyncIterator, Callable

import uvicorn

from zgpu.api.app import create_app
from zgpu.config import Settings
from zgpu.edge.model_runner import RuntimeRunner
from zgpu.edge.nats_auth import AuthDirectory, with_credentials
from zgpu.edge.nats_server import EmbeddedNats
from zgpu.edge.worker import Worker
from zgpu.nlm.registry import ModelRegistry
from zgpu.nlm.runtime import Runtime, RuntimeConfig

logger = logging.getLogger(__name__)

Progress = Callable[[str, float], None]

# Requests a worker holds at once. The runtime's threads bound the compute; the extra slots are
# the worker's bounded queue, so a burst waits here instead of backing off at the gateway.
WORKER_SLOTS = 32


def runtime_config(settings: Settings) -> RuntimeConfig:
    """The runtime's slice of the settings."""
    return RuntimeConfig(model_dir=settings.resolved_model_dir)


@contextlib.asynccontextmanager
async def _fabric(settings: Settings) -> AsyncIterator[str]:
    """Yield the NATS URL: the configured one, or an embedded server's for this process.

    The embedded server requires NATS credentials: the gateway and its workers use the
    privileged ones in ``<data_dir>/nats-auth`` (generated on first start), and edge nodes get
    their own from enrollment (see :mod:`zgpu.edge.nats_auth`).
    """
    if settings.nats_url:
        yield settings.nats_url
        return
    auth = await asyncio.to_thread(AuthDirectory.load_or_create, settings.data_dir / "nats-auth")
    async with EmbeddedNats(settings.data_dir / "nats", auth=auth) as server:
        url = with_credentials(server.url, auth.gateway_creds_path)
        logger.warning(
            "embedded NATS at %s: attach workers with `zgpu node --cloud --nats '%s'`",
            server.url,
            url,
        )
        yield url


async def run_gateway(
    settings: Settings, runtime: Runtime, on_ready: Callable[[str], None]
) -> None:
    """Serve HTTP until SIGINT/SIGTERM, with the fabric and local worker around it."""
    registry = runtime.registry
    async with _fabric(settings) as nats_url:
        worker: Worker | None = None
        if settings.local_worker:
            worker = Worker(
                nats_url, RuntimeRunner(runtime), worker_id="local", concurrency=WORKER_SLOTS
            )
            await worker.start()
        app = create_app(
            settings.model_copy(update={"nats_url": nats_url}), runtime.window, registry
        )
        config = uvicorn.Config(
            app,
            host=settings.host,
            port=settings.port,
            log_level=settings.log_level,
            access_log=False,
            server_header=False,
            timeout_graceful_shutdown=math.ceil(settings.request_deadline_s),
        )
        server = uvicorn.Server(config)
        watcher = asyncio.create_task(_announce_when_started(server, on_ready))
        try:
            await server.serve()
        finally:
            watcher.cancel()
            if worker is not None:
                await worker.drain()


async def _announce_when_started(server: uvicorn.Server, on_ready: Callable[[str], None]) -> None:
    while not server.started:  # noqa: ASYNC110 - uvicorn exposes only this flag
        await asyncio.sleep(0.05)
    for listener in server.servers:
        for sock in listener.sockets:
            host, port = sock.getsockname()[:2]
            on_ready(f"http://{host}:{port}")
            return


def load_runtime(settings: Settings, progress: Progress | None = None) -> Runtime:
    """Build or reuse the model artifacts and load them."""
    return Runtime.load(runtime_config(settings), ModelRegistry(), progress=progress)

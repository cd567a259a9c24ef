"""``zgpu node``: a worker that takes inference requests from the fabric."""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import Annotated

import typer
from rich.console import Console

from zgpu.api.server import WORKER_SLOTS, load_runtime
from zgpu.cli.options import DataDir, settings_from
from zgpu.cli.progress import progress_bar
from zgpu.edge.model_runner import RuntimeRunner
from zgpu.edge.worker import Worker
from zgpu.nlm.runtime import Runtime

console = Console(stderr=True)


def node(
    cloud: Annotated[
        bool, typer.Option("--cloud", help="Run as a cloud worker (operator-owned capacity).")
    ] = False,
    nats: Annotated[
        str | None, typer.Option("--nats", help="NATS URL of the fabric [env: ZGPU_NATS_URL].")
    ] = None,
    worker_id: Annotated[str | None, typer.Option("--id", help="A stable worker id.")] = None,
    data_dir: DataDir = None,
) -> None:
    """Join the fabric and serve inference requests until SIGTERM, then drain."""
    if not cloud:
        raise typer.BadParameter(
            "only cloud workers exist so far: pass --cloud", param_hint="--cloud"
        )
    settings = settings_from(nats_url=nats, data_dir=data_dir)
    if not settings.nats_url:
        raise typer.BadParameter("a NATS URL is required", param_hint="--nats")
    logging.basicConfig(level=settings.log_level.upper())
    with progress_bar(console) as progress:
        runtime = load_runtime(settings, progress=progress)
    try:
        asyncio.run(_serve(settings.nats_url, runtime, worker_id))
    finally:
        runtime.close()


async def _serve(nats_url: str, runtime: Runtime, worker_id: str | None) -> None:
    worker = Worker(
        nats_url,
        RuntimeRunner(runtime),
        worker_id=worker_id,
        concurrency=WORKER_SLOTS,
        connect_timeout_s=None,
    )
    await worker.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    console.print(f"Worker {worker.worker_id} connected to {nats_url}")
    await stop.wait()
    console.print("Draining: finishing requests in flight...")
    await worker.drain()

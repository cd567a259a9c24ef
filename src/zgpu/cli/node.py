"""``zgpu node``: a worker that takes inference requests from the fabric.

A cloud worker connects with privileged NATS credentials (``--creds`` or a ``?creds=`` in the
URL; ``zgpu serve`` prints the URL to use); an edge node gets its own, limited ones when it
enrolls, and fetches the model artifacts it lacks from the gateway.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from zgpu.api.server import WORKER_SLOTS, load_runtime
from zgpu.cli.options import DataDir, settings_from
from zgpu.cli.progress import progress_bar
from zgpu.edge.errors import EdgeError
from zgpu.edge.model_runner import RuntimeRunner
from zgpu.edge.nats_auth import public_fabric_url, with_credentials
from zgpu.edge.node_agent import run_edge_node
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
    creds: Annotated[
        Path | None,
        typer.Option("--creds", help="Cloud worker: NATS credentials file (gateway.creds)."),
    ] = None,
    server: Annotated[
        str | None, typer.Option("--server", help="Edge node: the gateway URL to join.")
    ] = None,
    token: Annotated[
        str | None, typer.Option("--token", help="Edge node: a one-time enrollment token.")
    ] = None,
    lat: Annotated[float | None, typer.Option("--lat", help="Edge node: latitude.")] = None,
    lon: Annotated[float | None, typer.Option("--lon", help="Edge node: longitude.")] = None,
    data_dir: DataDir = None,
) -> None:
    """Join the fabric and serve inference requests until SIGTERM, then drain.

    ``--cloud --nats URL``: a cloud worker. ``--server URL --token TOKEN``: an edge node.
    """
    if not cloud:
        if not (server and token):
            raise typer.BadParameter(
                "pass --cloud (cloud worker) or --server and --token (edge node)"
            )
        edge_node(server, token, lat, lon, data_dir)
        return
    settings = settings_from(nats_url=nats, data_dir=data_dir)
    if not settings.nats_url:
        raise typer.BadParameter("a NATS URL is required", param_hint="--nats")
    nats_url = settings.nats_url
    if creds is not None:
        nats_url = with_credentials(nats_url, creds.expanduser().resolve())
    logging.basicConfig(level=settings.log_level.upper())
    with progress_bar(console) as progress:
        runtime = load_runtime(settings, progress=progress)
    try:
        asyncio.run(_serve(nats_url, runtime, worker_id))
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
    console.print(f"Worker {worker.worker_id} connected to {public_fabric_url(nats_url)}")
    await stop.wait()
    console.print("Draining: finishing requests in flight...")
    await worker.drain()


def edge_node(
    server: str, token: str, lat: float | None, lon: float | None, data_dir: Path | None
) -> None:
    """Enroll with the gateway, fetch the model artifacts this machine lacks, load the models
    and serve this node's subject until SIGTERM."""
    settings = settings_from(data_dir=data_dir)
    logging.basicConfig(level=settings.log_level.upper())
    with progress_bar(console) as progress:

        def fetching(name: str, done: int, total: int) -> None:
            progress(f"Fetching {name}", done / total if total else 0.0)

        try:
            asyncio.run(
                run_edge_node(
                    server,
                    token,
                    lat,
                    lon,
                    model_dir=settings.resolved_model_dir,
                    load_runtime=lambda: load_runtime(settings, progress=progress),
                    say=console.print,
                    progress=fetching if console.is_terminal else None,
                )
            )
        except EdgeError as exc:
            console.print(f"[red]error:[/] {exc.message}")
            raise typer.Exit(1) from None

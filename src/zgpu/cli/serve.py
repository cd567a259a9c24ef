"""``zgpu serve``: the gateway, on embedded defaults unless told otherwise."""

from __future__ import annotations

import asyncio
import logging
from typing import Annotated

import typer
from rich.console import Console
from rich.panel import Panel

from zgpu.api.server import load_runtime, run_gateway
from zgpu.cli.options import DataDir, settings_from
from zgpu.cli.progress import progress_bar
from zgpu.cli.snippets import curl_snippet
from zgpu.platform.bootstrap import FirstRun, ensure_first_run
from zgpu.platform.db import Database, upgrade_to_head

console = Console(stderr=True)


def serve(
    host: Annotated[str | None, typer.Option(help="Address to bind [env: ZGPU_HOST].")] = None,
    port: Annotated[int | None, typer.Option(help="Port to bind [env: ZGPU_PORT].")] = None,
    data_dir: DataDir = None,
) -> None:
    """Start the gateway: HTTP API, embedded NATS and a local worker, SQLite in the data dir."""
    settings = settings_from(host=host, port=port, data_dir=data_dir)
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade_to_head(settings.resolved_database_url)
    database = Database(settings.resolved_database_url)
    try:
        first_run = ensure_first_run(database, settings.welcome_credit_micro)
    finally:
        database.dispose()
    with progress_bar(console) as progress:
        runtime = load_runtime(settings, progress=progress)

    def on_ready(url: str) -> None:
        console.print(f"[bold green]ZeroGPU is serving on {url}[/]  (data: {settings.data_dir})")
        if first_run is not None:
            _print_first_run(first_run, settings.public_url or url)

    try:
        asyncio.run(run_gateway(settings, runtime, on_ready))
    finally:
        runtime.close()


def _print_first_run(first_run: FirstRun, url: str) -> None:
    key = first_run.key
    console.print(
        Panel.fit(
            f"Organization: {first_run.organization.name}\n"
            f"Project:      {first_run.project.name} ({first_run.project.id})\n"
            f"API key:      [bold]{key.secret}[/]\n\n"
            "[yellow]This key is shown only once. Store it now; create more with "
            "`zgpu keys create`.[/]",
            title="First run: your credentials",
        )
    )
    console.print("Try it:\n")
    print(curl_snippet(url, key.secret, str(first_run.project.id), "zlm-v1-summary-cloud"))

"""``zgpu models list|build``: the catalogue and its artifacts."""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.table import Table

from zgpu.api.server import load_runtime
from zgpu.cli.options import DataDir, JsonOutput, settings_from
from zgpu.cli.progress import progress_bar
from zgpu.nlm.registry import ModelRegistry

app = typer.Typer(help="List the models and build their artifacts.", no_args_is_help=True)
console = Console()


def _usd(micro: int) -> str:
    return f"${micro / 1_000_000:.2f}"


@app.command("list")
def list_(json_output: JsonOutput = False) -> None:
    """The model catalogue with context windows and prices per million tokens."""
    models = list(ModelRegistry())
    if json_output:
        print(
            json.dumps(
                [
                    {
                        "id": m.id,
                        "task": m.task.value,
                        "context_window": m.context_window,
                        "over_length": m.over_length.value,
                        "input_micro_usd_per_million": m.price.input_micro_usd_per_million,
                        "output_micro_usd_per_million": m.price.output_micro_usd_per_million,
                    }
                    for m in models
                ]
            )
        )
        return
    table = Table(title="Models")
    for column in ("id", "task", "window", "over length", "input / 1M", "output / 1M"):
        table.add_column(column)
    for m in models:
        table.add_row(
            m.id,
            m.task.value,
            str(m.context_window),
            m.over_length.value,
            _usd(m.price.input_micro_usd_per_million),
            _usd(m.price.output_micro_usd_per_million),
        )
    console.print(table)


@app.command("build")
def build(data_dir: DataDir = None) -> None:
    """Convert, quantize and cache every model artifact (done by `serve` when missing)."""
    settings = settings_from(data_dir=data_dir)
    with progress_bar(console) as progress:
        runtime = load_runtime(settings, progress=progress)
    runtime.close()
    console.print(f"Models ready in {settings.resolved_model_dir}")

"""Gateway overhead and throughput: the same model calls end to end over HTTP, and in-process.

Usage: python bench/gateway.py [--repeat 40] [--concurrency 16] [--throughput-requests 320]

Starts a real ``zgpu serve`` (SQLite, embedded NATS, one local worker) in a temporary data dir,
sharing the model cache with the in-process runtime. For each model on a 250-word paragraph and a
630-word article it reports p50/p95 over HTTP and in-process (no HTTP, no NATS); the difference
is the gateway's overhead. Then the throughput with N concurrent clients.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.server import ServerProcess, create_key
from zgpu.nlm.registry import ModelRegistry
from zgpu.nlm.runtime import Runtime, RuntimeConfig

DATA = Path(__file__).parent / "data"
TEXTS = {
    "paragraph-250w": (DATA / "paragraph_250.txt").read_text().strip(),
    "article-630w": (DATA / "article_630.txt").read_text().strip(),
}
MODELS = ["zlm-v1-iab-classify-cloud", "zlm-v1-summary-cloud"]


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def in_process(model_dir: Path, repeat: int) -> dict[tuple[str, str], list[float]]:
    runtime = Runtime.load(RuntimeConfig(model_dir=model_dir), ModelRegistry())
    results: dict[tuple[str, str], list[float]] = {}

    async def run() -> None:
        for model in MODELS:
            for name, text in TEXTS.items():
                await runtime.run(model, text, None)  # warm-up
                samples = []
                for _ in range(repeat):
                    start = time.perf_counter()
                    await runtime.run(model, text, None)
                    samples.append((time.perf_counter() - start) * 1000)
                results[(model, name)] = samples

    asyncio.run(run())
    runtime.close()
    return results


def start_server(data_dir: Path, model_dir: Path) -> tuple[ServerProcess, dict[str, str]]:
    """A ``zgpu serve`` on the bench's models, and the headers of a fresh key."""
    server = ServerProcess(data_dir, extra_env={"ZGPU_MODEL_DIR": str(model_dir)}).start()
    created = create_key(data_dir, None)
    return server, {"x-api-key": created.key, "x-project-id": created.project_id}


def over_http(url: str, headers: dict[str, str], repeat: int) -> dict[tuple[str, str], list[float]]:
    results: dict[tuple[str, str], list[float]] = {}
    with httpx.Client(base_url=url, headers=headers, timeout=60) as client:
        for model in MODELS:
            for name, text in TEXTS.items():
                body = {"model": model, "input": text}
                client.post("/v1/responses", json=body).raise_for_status()
                samples = []
                for _ in range(repeat):
                    start = time.perf_counter()
                    client.post("/v1/responses", json=body).raise_for_status()
                    samples.append((time.perf_counter() - start) * 1000)
                results[(model, name)] = samples
    return results


async def throughput(
    url: str, headers: dict[str, str], model: str, text: str, concurrency: int, total: int
) -> float:
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(total):
        queue.put_nowait(i)
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=120) as client:

        async def client_loop() -> None:
            while not queue.empty():
                queue.get_nowait()
                response = await client.post("/v1/responses", json={"model": model, "input": text})
                response.raise_for_status()

        start = time.perf_counter()
        await asyncio.gather(*(client_loop() for _ in range(concurrency)))
        return total / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--throughput-requests", type=int, default=320)
    args = parser.parse_args()
    console = Console()
    with tempfile.TemporaryDirectory() as tmp:
        model_dir = Path(os.environ.get("ZGPU_MODEL_DIR", Path.cwd() / "data" / "models"))
        console.print(f"models: {model_dir}; in-process runs ...")
        local = in_process(model_dir, args.repeat)
        server, headers = start_server(Path(tmp), model_dir)
        url = server.url
        try:
            console.print(f"gateway at {url}; HTTP runs ...")
            http = over_http(url, headers, args.repeat)
            rates = {
                (model, name): asyncio.run(
                    throughput(
                        url, headers, model, TEXTS[name], args.concurrency, args.throughput_requests
                    )
                )
                for model, name in [(MODELS[0], "paragraph-250w"), (MODELS[1], "article-630w")]
            }
        finally:
            server.stop()

    table = Table(title=f"Gateway: HTTP vs in-process (ms), {args.repeat} runs each")
    for column in (
        "model",
        "input",
        "http p50",
        "http p95",
        "local p50",
        "local p95",
        "overhead p50",
        f"req/s @{args.concurrency}",
    ):
        table.add_column(column, justify="right" if column not in ("model", "input") else "left")
    overheads = []
    for key, samples in http.items():
        h50, h95 = statistics.median(samples), percentile(samples, 0.95)
        l50, l95 = statistics.median(local[key]), percentile(local[key], 0.95)
        overheads.append(h50 - l50)
        rate = rates.get(key)
        table.add_row(
            key[0],
            key[1],
            f"{h50:.1f}",
            f"{h95:.1f}",
            f"{l50:.1f}",
            f"{l95:.1f}",
            f"{h50 - l50:.1f}",
            f"{rate:.1f}" if rate else "",
        )
    console.print(table)
    console.print(
        f"{time.strftime('%Y-%m-%d')} {platform.machine()} {os.cpu_count()} cores: "
        f"median gateway overhead {statistics.median(overheads):.1f} ms; "
        + "; ".join(f"{k[0]} {k[1]} {v:.0f} req/s" for k, v in rates.items())
    )


if __name__ == "__main__":
    main()

"""Helpers shared by the fabric integration tests."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

from zgpu.edge import Dispatcher, InferReply, InferRequest, Worker, deadline_after

HERE = Path(__file__).parent


def make_request(text: str, model: str = "zlm-test", deadline_s: float = 10.0) -> InferRequest:
    return InferRequest(
        request_id=f"req-{uuid.uuid4().hex[:8]}",
        model=model,
        text=text,
        deadline_unix_ms=deadline_after(deadline_s),
    )


async def dispatch_many(
    dispatcher: Dispatcher, texts: list[str], deadline_s: float = 15.0
) -> list[InferReply]:
    calls: list[Awaitable[InferReply]] = [
        dispatcher.dispatch(make_request(text, deadline_s=deadline_s), deadline_s) for text in texts
    ]
    return list(await asyncio.gather(*calls))


async def started(worker: Worker) -> Worker:
    await worker.start()
    return worker


async def spawn_worker(
    url: str, worker_id: str, runner: str = "reverse_runner:slow", concurrency: int = 2
) -> asyncio.subprocess.Process:
    """A worker in its own process; returns once it is subscribed."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "zgpu.edge.worker_main",
        "--nats",
        url,
        "--runner",
        runner,
        "--worker-id",
        worker_id,
        "--concurrency",
        str(concurrency),
        "--log-level",
        "WARNING",
        stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(HERE)},
    )
    assert process.stdout is not None
    line = await asyncio.wait_for(process.stdout.readline(), 30)
    assert line.decode().strip() == f"ready {worker_id}"
    return process


async def until(condition: Callable[[], bool]) -> None:
    """Wait until ``condition()`` holds (callers bound the wait)."""
    while not condition():  # noqa: ASYNC110 - the state is observed, not signalled
        await asyncio.sleep(0.01)


async def started_texts(process: asyncio.subprocess.Process, count: int) -> list[str]:
    """Read ``count`` ``started <text>`` lines that a worker process prints (runner ``slow``)."""
    assert process.stdout is not None
    texts = []
    for _ in range(count):
        line = (await process.stdout.readline()).decode().strip()
        assert line.startswith("started "), line
        texts.append(line.removeprefix("started "))
    return texts

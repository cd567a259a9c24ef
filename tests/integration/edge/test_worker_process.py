from __future__ import annotations

import asyncio
import signal

from tests.integration.edge.fabric_helpers import dispatch_many, spawn_worker, started_texts
from zgpu.edge import DispatchConfig, Dispatcher, EmbeddedNats

TEXTS = [f"text {i}" for i in range(12)]


async def test_killed_worker_requests_are_retried_elsewhere(nats_server: EmbeddedNats) -> None:
    doomed = await spawn_worker(nats_server.url, "doomed")
    survivor = await spawn_worker(nats_server.url, "survivor")
    try:
        async with Dispatcher(nats_server.url, DispatchConfig(attempt_timeout_s=1.0)) as d:
            load = asyncio.create_task(dispatch_many(d, TEXTS, deadline_s=20.0))
            held = await asyncio.wait_for(started_texts(doomed, 2), 10)
            doomed.kill()  # while it holds two requests (each takes 0.3 s)
            replies = await load
    finally:
        survivor.send_signal(signal.SIGTERM)
        await asyncio.gather(doomed.wait(), survivor.wait())
    assert doomed.returncode == -signal.SIGKILL
    assert survivor.returncode == 0
    assert all(r.ok for r in replies)
    assert [r.text for r in replies] == [t[::-1] for t in TEXTS]
    by_text = {text: reply.worker_id for text, reply in zip(TEXTS, replies, strict=True)}
    assert [by_text[text] for text in held] == ["survivor", "survivor"]


async def test_sigterm_drains_a_worker_process(nats_server: EmbeddedNats) -> None:
    worker = await spawn_worker(nats_server.url, "graceful", concurrency=2)
    try:
        # One attempt per request: a request dropped on SIGTERM would fail the test.
        async with Dispatcher(nats_server.url, DispatchConfig(attempt_timeout_s=30.0)) as d:
            load = asyncio.create_task(dispatch_many(d, ["first one", "second one"], 20.0))
            await asyncio.wait_for(started_texts(worker, 2), 10)
            worker.send_signal(signal.SIGTERM)  # while both are running (0.3 s each)
            replies = await load
    finally:
        await worker.wait()
    assert worker.returncode == 0
    assert [(r.worker_id, r.text) for r in replies] == [
        ("graceful", "eno tsrif"),
        ("graceful", "eno dnoces"),
    ]

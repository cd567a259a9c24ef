from __future__ import annotations

import asyncio
from collections import Counter

from tests.integration.edge.fabric_helpers import dispatch_many, started, until
from tests.integration.edge.reverse_runner import ReverseRunner
from zgpu.edge import DispatchConfig, Dispatcher, EmbeddedNats, Worker

TEXTS = [f"request number {i}" for i in range(40)]


async def test_two_workers_share_the_load(
    nats_server: EmbeddedNats, dispatcher: Dispatcher
) -> None:
    runners = [ReverseRunner(delay_s=0.02), ReverseRunner(delay_s=0.02)]
    workers = [
        await started(Worker(nats_server.url, runner, f"w{i}", 2))
        for i, runner in enumerate(runners)
    ]
    try:
        replies = await dispatch_many(dispatcher, TEXTS)
    finally:
        await asyncio.gather(*(w.drain() for w in workers))
    assert [r.text for r in replies] == [t[::-1] for t in TEXTS]
    served = Counter(r.worker_id for r in replies)
    assert set(served) == {"w0", "w1"}
    assert sum(len(r.calls) for r in runners) == len(TEXTS)


async def test_draining_a_worker_mid_load_loses_nothing(nats_server: EmbeddedNats) -> None:
    # One attempt per request: a request lost by the draining worker would time out.
    async with Dispatcher(nats_server.url, DispatchConfig(attempt_timeout_s=30.0)) as dispatcher:
        leaving_runner, staying_runner = ReverseRunner(0.05), ReverseRunner(0.05)
        leaving = await started(Worker(nats_server.url, leaving_runner, "leaving", 2))
        staying = await started(Worker(nats_server.url, staying_runner, "staying", 2))
        load = asyncio.create_task(dispatch_many(dispatcher, TEXTS, deadline_s=20.0))
        await until(lambda: len(leaving_runner.calls) >= 3)
        await leaving.drain()
        drained_after = len(leaving_runner.calls)
        try:
            replies = await load
        finally:
            await staying.drain()
    assert [r.text for r in replies] == [t[::-1] for t in TEXTS]
    served = Counter(r.worker_id for r in replies)
    assert served["leaving"] == drained_after == len(leaving_runner.calls)
    assert served["staying"] == len(staying_runner.calls) == len(TEXTS) - drained_after
    assert leaving.in_flight == 0

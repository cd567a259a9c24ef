from __future__ import annotations

from pathlib import Path

from tests.integration.edge.fabric_helpers import make_request, started
from tests.integration.edge.reverse_runner import ReverseRunner
from zgpu.edge import Dispatcher, EmbeddedNats, Worker


async def test_worker_and_dispatcher_survive_a_server_restart(tmp_path: Path) -> None:
    first = EmbeddedNats(tmp_path / "nats")
    await first.start()
    port = first.port
    worker = await started(Worker(first.url, ReverseRunner(), "w", 2))
    dispatcher = Dispatcher(first.url)
    await dispatcher.connect()
    try:
        before = await dispatcher.dispatch(make_request("before"), 5.0)
        await first.stop()
        async with EmbeddedNats(tmp_path / "nats", port=port):
            # The worker's subscriptions come back with its connection.
            after = await dispatcher.dispatch(make_request("after"), 15.0)
            await worker.drain()
    finally:
        await dispatcher.close()
        await worker.drain()
        await first.stop()
    assert (before.text, after.text) == ("erofeb", "retfa")
    assert after.worker_id == "w"

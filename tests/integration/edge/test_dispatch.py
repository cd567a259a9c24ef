from __future__ import annotations

import asyncio

import nats
import pytest

from tests.integration.edge.fabric_helpers import make_request, started, until
from tests.integration.edge.reverse_runner import CRASHING_MODEL, FAILING_MODEL, ReverseRunner
from zgpu.edge import (
    DeadlineExceeded,
    DispatchConfig,
    Dispatcher,
    EmbeddedNats,
    FabricError,
    InferRequest,
    NoCapacity,
    Worker,
    decode_reply,
    encode,
)
from zgpu.edge.messages import unix_ms_now
from zgpu.edge.subjects import INFER_CLOUD


async def test_request_reply(nats_server: EmbeddedNats, dispatcher: Dispatcher) -> None:
    worker = await started(Worker(nats_server.url, ReverseRunner(), worker_id="w1"))
    try:
        request = make_request("hello fabric world")
        reply = await dispatcher.dispatch(request, 5.0)
    finally:
        await worker.drain()
    assert reply.ok
    assert reply.request_id == request.request_id
    assert reply.text == "dlrow cirbaf olleh"
    assert (reply.input_tokens, reply.output_tokens) == (3, 3)
    assert reply.worker_id == "w1"
    assert reply.error_code is None


async def test_max_output_tokens_reaches_the_runner(
    nats_server: EmbeddedNats, dispatcher: Dispatcher
) -> None:
    worker = await started(Worker(nats_server.url, ReverseRunner()))
    try:
        request = make_request("a b c d").model_copy(update={"max_output_tokens": 2})
        reply = await dispatcher.dispatch(request, 5.0)
    finally:
        await worker.drain()
    assert reply.text == "d c"


async def test_model_error_is_returned_with_code_and_param(
    nats_server: EmbeddedNats, dispatcher: Dispatcher
) -> None:
    worker = await started(Worker(nats_server.url, ReverseRunner()))
    try:
        reply = await dispatcher.dispatch(make_request("x", model=FAILING_MODEL), 5.0)
    finally:
        await worker.drain()
    assert not reply.ok
    assert reply.error_code == "model_not_found"
    assert reply.error_param == "model"
    assert reply.error_message == f"unknown model {FAILING_MODEL}"


async def test_runner_crash_is_internal_and_the_worker_keeps_serving(
    nats_server: EmbeddedNats, dispatcher: Dispatcher
) -> None:
    worker = await started(Worker(nats_server.url, ReverseRunner(), concurrency=1))
    try:
        crashed = await dispatcher.dispatch(make_request("x", model=CRASHING_MODEL), 5.0)
        after = await dispatcher.dispatch(make_request("still here"), 5.0)
    finally:
        await worker.drain()
    assert (crashed.ok, crashed.error_code, crashed.error_message) == (
        False,
        "internal",
        "internal error",
    )
    assert after.ok
    assert after.text == "ereh llits"


async def test_malformed_messages_do_not_stop_the_worker(
    nats_server: EmbeddedNats, dispatcher: Dispatcher
) -> None:
    runner = ReverseRunner()
    worker = await started(Worker(nats_server.url, runner, concurrency=1))
    raw = await nats.connect(nats_server.url)
    future_version = encode(make_request("x")).replace(b'"v":1', b'"v":2')
    try:
        replies = [
            decode_reply((await raw.request(INFER_CLOUD, payload, timeout=5)).data)
            for payload in (b"not json", b"[1,2]", b'{"v":1}', future_version, b"\xff\xfe")
        ]
        await raw.publish(INFER_CLOUD, encode(make_request("no reply subject")))
        await raw.flush()
        after = await dispatcher.dispatch(make_request("abc"), 5.0)
    finally:
        await raw.close()
        await worker.drain()
    assert all(not r.ok and r.error_code == "malformed_request" for r in replies)
    assert after.text == "cba"
    assert runner.calls == ["abc"]


async def test_expired_requests_are_skipped(
    nats_server: EmbeddedNats, dispatcher: Dispatcher
) -> None:
    runner = ReverseRunner()
    worker = await started(Worker(nats_server.url, runner))
    raw = await nats.connect(nats_server.url)
    expired = InferRequest(
        request_id="late", model="zlm-test", text="too late", deadline_unix_ms=unix_ms_now() - 1
    )
    try:
        reply = decode_reply((await raw.request(INFER_CLOUD, encode(expired), timeout=5)).data)
        with pytest.raises(DeadlineExceeded):
            await dispatcher.dispatch(expired, 5.0)
        fresh = await dispatcher.dispatch(make_request("on time"), 5.0)
    finally:
        await raw.close()
        await worker.drain()
    assert (reply.request_id, reply.ok, reply.error_code) == ("late", False, "deadline_exceeded")
    assert fresh.ok
    assert runner.calls == ["on time"]


async def test_run_is_cut_off_at_the_deadline(
    nats_server: EmbeddedNats, dispatcher: Dispatcher
) -> None:
    runner = ReverseRunner(delay_s=30.0)
    worker = await started(Worker(nats_server.url, runner))
    try:
        with pytest.raises(DeadlineExceeded) as caught:
            await dispatcher.dispatch(make_request("slow"), 0.3)
        # The worker abandons the run at the deadline instead of finishing it.
        await asyncio.wait_for(until(lambda: runner.cancelled == 1), 10)
        assert worker.in_flight == 0
    finally:
        await worker.drain()
    assert caught.value.code == "deadline_exceeded"


async def test_no_workers_means_no_capacity(dispatcher: Dispatcher) -> None:
    with pytest.raises(NoCapacity) as caught:
        await dispatcher.dispatch(make_request("anyone?"), 0.5)
    assert caught.value.code == "no_capacity"


async def test_a_busy_worker_takes_no_more_requests(nats_server: EmbeddedNats) -> None:
    patient = Dispatcher(nats_server.url, DispatchConfig(attempt_timeout_s=10.0))
    await patient.connect()
    busy = await started(Worker(nats_server.url, ReverseRunner(delay_s=2.0), "busy", 1))
    first = asyncio.create_task(patient.dispatch(make_request("first"), 10.0))
    await until(lambda: busy.in_flight == 1)
    with pytest.raises(NoCapacity):
        await patient.dispatch(make_request("second"), 0.4)
    spare = await started(Worker(nats_server.url, ReverseRunner(), "spare", 1))
    try:
        third = await patient.dispatch(make_request("third"), 5.0)
        assert third.worker_id == "spare"
        assert busy.in_flight == 1
        assert (await first).worker_id == "busy"
    finally:
        await asyncio.gather(busy.drain(), spare.drain())
        await patient.close()


async def test_dispatch_needs_a_connection(nats_server: EmbeddedNats) -> None:
    with pytest.raises(FabricError):
        await Dispatcher(nats_server.url).dispatch(make_request("x"), 1.0)
    closed = Dispatcher(nats_server.url)
    await closed.connect()
    await closed.close()
    with pytest.raises(FabricError):
        await closed.dispatch(make_request("x"), 1.0)


async def test_worker_reports_an_unreachable_fabric() -> None:
    worker = Worker("nats://127.0.0.1:1", ReverseRunner(), connect_timeout_s=0.5)
    with pytest.raises(FabricError):
        await worker.start()

"""The fabric from day one: a gateway and extra worker processes on one NATS server."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import nats
import pytest
from nats.aio.msg import Msg

from tests.support.server import (
    Credentials,
    NatsProcess,
    ServerProcess,
    WorkerProcess,
    create_key,
)
from zgpu.edge.messages import InferReply, decode_request, encode
from zgpu.edge.subjects import CLOUD_QUEUE_GROUP, INFER_CLOUD

TEXT = "The central bank kept interest rates unchanged and signalled cuts later this year."
BODY = {"model": "zlm-v1-iab-classify-cloud", "input": TEXT}


@pytest.fixture(scope="module")
def nats_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NatsProcess]:
    process = NatsProcess(tmp_path_factory.mktemp("nats")).start()
    yield process
    process.stop()


def _headers(creds: Credentials) -> dict[str, str]:
    return {"x-api-key": creds.key, "x-project-id": creds.project_id}


def _send(url: str, creds: Credentials, count: int, threads: int = 8) -> list[httpx.Response]:
    def one(_: int) -> httpx.Response:
        return httpx.post(f"{url}/v1/responses", json=BODY, headers=_headers(creds), timeout=60)

    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(one, range(count)))


def test_requests_are_shared_and_survive_a_worker_stopping(
    tmp_path: Path, nats_server: NatsProcess
) -> None:
    server = ServerProcess(tmp_path / "gw", extra_env={"ZGPU_NATS_URL": nats_server.url}).start()
    worker = WorkerProcess(nats_server.url, tmp_path / "w2", "worker-2").start()
    try:
        creds = create_key(server.data_dir, None)
        # Wait until the second worker has joined: its id shows up in responses.
        served: Counter[str] = Counter()
        for _ in range(30):
            responses = _send(server.url, creds, 24)
            assert all(r.status_code == 200 for r in responses)
            served.update(r.headers["x-zerogpu-node-id"] for r in responses)
            if served["worker-2"] and served["local"]:
                break
        assert served["worker-2"] > 0, served
        assert served["local"] > 0, served

        results: list[httpx.Response] = []
        load = threading.Thread(target=lambda: results.extend(_send(server.url, creds, 80)))
        load.start()
        worker.stop()  # SIGTERM mid-load: the worker drains what it holds
        load.join()
        assert len(results) == 80
        assert [r.status_code for r in results] == [200] * 80
    finally:
        worker.stop()
        server.stop()


def test_503_with_retry_after_when_no_worker_answers(
    tmp_path: Path, nats_server: NatsProcess
) -> None:
    server = ServerProcess(
        tmp_path / "gw",
        extra_env={
            "ZGPU_NATS_URL": nats_server.url,
            "ZGPU_LOCAL_WORKER": "false",
            "ZGPU_REQUEST_DEADLINE_S": "1",
        },
    ).start()
    try:
        creds = create_key(server.data_dir, None)
        response = httpx.post(
            f"{server.url}/v1/responses", json=BODY, headers=_headers(creds), timeout=30
        )
        assert response.status_code == 503
        assert int(response.headers["retry-after"]) >= 1
        assert response.json()["error"]["type"] == "service_unavailable"
    finally:
        server.stop()


def test_500_names_the_request_id_when_a_worker_misbehaves(
    tmp_path: Path, nats_server: NatsProcess
) -> None:
    """A worker whose model run crashed is a server-side fault: 500 naming the request id."""
    server = ServerProcess(
        tmp_path / "gw",
        extra_env={"ZGPU_NATS_URL": nats_server.url, "ZGPU_LOCAL_WORKER": "false"},
    ).start()
    stop = threading.Event()
    ready = threading.Event()

    def rogue() -> None:
        async def main() -> None:
            connection = await nats.connect(nats_server.url)

            async def answer(msg: Msg) -> None:
                request = decode_request(msg.data)
                reply = InferReply(
                    request_id=request.request_id,
                    ok=False,
                    worker_id="rogue",
                    error_code="internal",
                    error_message="internal error",
                )
                await msg.respond(encode(reply))

            await connection.subscribe(INFER_CLOUD, queue=CLOUD_QUEUE_GROUP, cb=answer)
            ready.set()
            while not stop.is_set():  # noqa: ASYNC110 - set from another thread
                await asyncio.sleep(0.05)
            await connection.drain()

        asyncio.run(main())

    thread = threading.Thread(target=rogue)
    thread.start()
    try:
        assert ready.wait(10)
        creds = create_key(server.data_dir, None)
        response = httpx.post(
            f"{server.url}/v1/responses", json=BODY, headers=_headers(creds), timeout=30
        )
        assert response.status_code == 500
        error = response.json()["error"]
        assert error["type"] == "internal_error"
        assert response.headers["x-request-id"] in error["message"]
    finally:
        stop.set()
        thread.join()
        server.stop()

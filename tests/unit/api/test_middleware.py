"""``RequestContextMiddleware``: request ids on every response, the body limit, start time."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import orjson
import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Message

from zgpu.api.body import parse_json_body
from zgpu.api.errors import install_error_handlers
from zgpu.api.middleware import RequestContextMiddleware
from zgpu.api.schemas.responses import CreateResponseRequest

from .conftest import MAX_BODY_BYTES, running
from .envelope import REQUEST_ID, assert_envelope

INVALID = "invalid_request_error"
JSON = {"content-type": "application/json"}
TEN_MB = 10 * 1024 * 1024
LIMIT_10 = Middleware(RequestContextMiddleware, max_body_bytes=10)


def body_of_size(size: int) -> bytes:
    """A valid request body of exactly ``size`` bytes."""
    empty = orjson.dumps({"model": "m", "input": ""})
    return empty[:-2] + b"x" * (size - len(empty)) + b'"}'


def chunks(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    sent = 0
    while sent < total:
        piece = min(size, total - sent)
        sent += piece
        yield b" " * piece


def test_every_response_carries_a_fresh_request_id(
    client: httpx.Client, raisable: dict[str, BaseException]
) -> None:
    raisable["boom"] = ZeroDivisionError("x")
    responses = [
        client.post("/v1/responses", json={"model": "m", "input": "x"}),
        client.get("/nowhere"),
        client.delete("/v1/responses"),
        client.post("/v1/responses", content=b"x" * (MAX_BODY_BYTES + 1), headers=JSON),
        client.get("/raise/boom"),
    ]
    assert [r.status_code for r in responses] == [200, 404, 405, 413, 500]
    ids = [r.headers.get_list("x-request-id") for r in responses]
    assert all(len(values) == 1 and REQUEST_ID.match(values[0]) for values in ids)
    assert len({values[0] for values in ids}) == len(ids)


def test_handlers_see_the_same_request_id_and_a_start_time(client: httpx.Client) -> None:
    response = client.get("/state")
    assert response.json() == {"request_id": response.headers["x-request-id"], "has_start": True}


def test_declared_length_over_the_limit_is_413(client: httpx.Client) -> None:
    response = client.post("/v1/responses", content=b"{" + b" " * TEN_MB + b"}", headers=JSON)
    error = assert_envelope(response, 413, INVALID, code="request_too_large")
    assert str(MAX_BODY_BYTES) in error["message"]


def test_streamed_body_over_the_limit_is_413(client: httpx.Client) -> None:
    response = client.post("/v1/responses", content=chunks(TEN_MB), headers=JSON)
    assert "content-length" not in response.request.headers
    assert_envelope(response, 413, INVALID, code="request_too_large")
    # The connection stays usable afterwards.
    assert client.post("/v1/responses", json={"model": "m", "input": "x"}).status_code == 200


def test_413_replaces_whatever_the_app_made_of_the_cut_body(client: httpx.Client) -> None:
    # FastAPI parses /plain itself and would turn the failed read into its own 400.
    response = client.post("/plain", content=chunks(2 * MAX_BODY_BYTES), headers=JSON)
    assert_envelope(response, 413, INVALID, code="request_too_large")


def test_body_exactly_at_the_limit_is_accepted(client: httpx.Client) -> None:
    exact = client.post("/v1/responses", content=body_of_size(MAX_BODY_BYTES), headers=JSON)
    assert exact.status_code == 200
    over = client.post("/v1/responses", content=body_of_size(MAX_BODY_BYTES + 1), headers=JSON)
    assert over.status_code == 413


async def test_reading_stops_at_the_limit() -> None:
    async def endpoint(request: Request) -> Response:
        await parse_json_body(request, CreateResponseRequest)
        return JSONResponse({})

    app = Starlette(routes=[Route("/", endpoint, methods=["POST"])])
    install_error_handlers(app)
    asgi = RequestContextMiddleware(app, max_body_bytes=1000)
    reads = 0
    sent: list[Message] = []

    async def receive() -> Message:
        nonlocal reads
        reads += 1
        return {"type": "http.request", "body": b" " * 300, "more_body": True}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/",
        "raw_path": b"/",
        "query_string": b"",
        "headers": [(b"content-type", b"application/json")],
    }
    await asgi(scope, receive, send)
    assert reads == 4  # 1,200 bytes crossed the limit; nothing more was read
    assert sent[0]["status"] == 413
    headers = dict(sent[0]["headers"])
    assert REQUEST_ID.match(headers[b"x-request-id"].decode())
    assert orjson.loads(sent[1]["body"])["error"]["code"] == "request_too_large"


def test_app_headers_named_x_request_id_are_replaced() -> None:
    async def endpoint(request: Request) -> Response:
        return Response("ok", headers={"x-request-id": "spoofed"})

    app = Starlette(routes=[Route("/", endpoint)], middleware=[LIMIT_10])
    with running(app) as url:
        response = httpx.get(url)
    assert response.headers.get_list("x-request-id") != ["spoofed"]
    assert len(response.headers.get_list("x-request-id")) == 1


def test_exceptions_escaping_an_app_without_handlers_become_the_envelope() -> None:
    async def endpoint(request: Request) -> Response:
        raise KeyError("internal detail")

    app = Starlette(routes=[Route("/", endpoint)], middleware=[LIMIT_10])
    with running(app) as url:
        response = httpx.get(url)
    error = assert_envelope(response, 500, "internal_error")
    assert response.headers["x-request-id"] in error["message"]


def test_max_body_bytes_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        RequestContextMiddleware(Starlette(), max_body_bytes=0)

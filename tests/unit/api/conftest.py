"""A real uvicorn server in a background thread, serving a small app built from the HTTP edge.

The app is not the gateway: it is one POST route and a few routes that raise, wired with the
real error handlers, middleware and body parser, so these tests pin that layer on the wire.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import httpx
import pytest
import uvicorn
from fastapi import FastAPI, Query, Request
from pydantic import BaseModel
from starlette.types import ASGIApp

from zgpu.api.body import openapi_body, parse_json_body
from zgpu.api.errors import error_responses, install_error_handlers
from zgpu.api.middleware import RequestContextMiddleware, started_at
from zgpu.api.schemas.responses import CreateResponseRequest, ResponseObject

MAX_BODY_BYTES = 1024 * 1024


class Plain(BaseModel):
    """A body FastAPI itself parses (not through ``parse_json_body``)."""

    name: str


def build_app(raisable: dict[str, BaseException], max_body_bytes: int = MAX_BODY_BYTES) -> FastAPI:
    """The edge layer around one echoing ``/v1/responses`` and routes that raise on demand."""
    app = FastAPI()
    install_error_handlers(app)
    app.add_middleware(RequestContextMiddleware, max_body_bytes=max_body_bytes)

    @app.post(
        "/v1/responses",
        response_model=ResponseObject,
        responses=error_responses(400, 413, 415, 420, 500, 503),
        openapi_extra=openapi_body(CreateResponseRequest),
    )
    async def create(request: Request) -> ResponseObject:
        body = await parse_json_body(request, CreateResponseRequest)
        text = body.task_text()
        return ResponseObject.completed(
            model=body.model,
            text=text,
            input_tokens=len(text.split()),
            output_tokens=1,
            metadata=body.metadata,
        )

    @app.get("/raise/{name}")
    async def raise_named(name: str) -> None:
        raise raisable[name]

    @app.get("/items")
    async def items(limit: Annotated[int, Query(gt=0)]) -> dict[str, int]:
        return {"limit": limit}

    @app.post("/plain")
    async def plain(body: Plain) -> dict[str, str]:
        return {"name": body.name}

    @app.get("/state")
    async def state(request: Request) -> dict[str, object]:
        return {
            "request_id": request.state.request_id,
            "has_start": started_at(request.scope) is not None,
        }

    return app


@contextmanager
def running(app: ASGIApp) -> Iterator[str]:
    """Serve ``app`` with uvicorn on a free local port; yields the base URL."""
    # proto must be IPPROTO_TCP: asyncio sets TCP_NODELAY on accepted sockets only then, and
    # without it every response body waits out the client's delayed ACK (about 40 ms).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app, log_config=None, access_log=False, lifespan="off", http="h11", loop="asyncio"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


@pytest.fixture(scope="package")
def raisable() -> dict[str, BaseException]:
    """Exceptions ``GET /raise/{name}`` raises; tests add to it before requesting."""
    return {}


@pytest.fixture(scope="package")
def base_url(raisable: dict[str, BaseException]) -> Iterator[str]:
    with running(build_app(raisable)) as url:
        yield url


@pytest.fixture(scope="package")
def client(base_url: str) -> Iterator[httpx.Client]:
    """One keep-alive client for the package (building one loads the CA bundle, ~0.1 s)."""
    with httpx.Client(base_url=base_url, timeout=30) as http:
        yield http

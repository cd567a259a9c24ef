"""The outermost layer of the gateway's own stack: request ids, body size limit, start time.

``RequestContextMiddleware`` is plain ASGI (Starlette's ``BaseHTTPMiddleware`` costs a task
per request and buffers streams). For every HTTP request it:

- assigns a fresh ``req_…`` id to ``scope["state"]["request_id"]`` (``request.state.request_id``
  in handlers) and puts it in an ``x-request-id`` header on every response, replacing any the
  app set, errors included;
- stores ``time.perf_counter()`` at arrival in ``scope["state"]["started_at"]``;
- enforces ``max_body_bytes``: a declared ``content-length`` over it is answered 413 before the
  app runs; otherwise the bytes are counted as the app reads them, and the read that crosses
  the limit raises ``RequestTooLarge`` (the rest is never read). If the app then answers
  anything but 413, that answer is replaced by the 413 envelope;
- turns an exception that escapes the app before the response started into the envelope
  through ``zgpu.api.errors`` (a 500 for anything unmapped, logged with its traceback).

Add it last so that it wraps everything else::

    app.add_middleware(RequestContextMiddleware, max_body_bytes=settings.max_body_bytes)
"""

from __future__ import annotations

import time
from collections.abc import MutableMapping
from typing import Any, Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from zgpu.api.errors import (
    INTERNAL_ERROR,
    RequestTooLarge,
    describe_error,
    log_unexpected_error,
    render_error,
)
from zgpu.api.ids import REQUEST_ID_KEY, new_request_id

STARTED_AT_KEY: Final = "started_at"
REQUEST_ID_HEADER: Final = b"x-request-id"


def started_at(scope: MutableMapping[str, Any]) -> float | None:
    """The ``time.perf_counter()`` value when the middleware saw the request, if it did."""
    value = scope.get("state", {}).get(STARTED_AT_KEY)
    return value if isinstance(value, float) else None


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name.lower() == b"content-length":
            text = value.decode("latin-1").strip()
            return int(text) if text.isdigit() else None
    return None


class RequestContextMiddleware:
    """Request id, ``x-request-id`` header, body size limit and start time (module doc).

    ``max_body_bytes`` must be positive; raises ``ValueError`` otherwise.
    """

    def __init__(self, app: ASGIApp, *, max_body_bytes: int) -> None:
        if max_body_bytes <= 0:
            raise ValueError(f"max_body_bytes must be positive, got {max_body_bytes}")
        self.app = app
        self.max_body_bytes = max_body_bytes

    def _too_large(self) -> RequestTooLarge:
        return RequestTooLarge(
            f"The request body is larger than the limit of {self.max_body_bytes} bytes."
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = new_request_id()
        state = scope.setdefault("state", {})
        state[REQUEST_ID_KEY] = request_id
        state[STARTED_AT_KEY] = time.perf_counter()

        declared = _declared_length(scope)
        if declared is not None and declared > self.max_body_bytes:
            await render_error(self._too_large(), request_id)(scope, receive, send)
            return

        header = (REQUEST_ID_HEADER, request_id.encode("ascii"))
        received = 0
        tripped = False  # the body crossed the limit
        started = False  # a response start went out
        replaced = False  # the app's answer was replaced by the 413

        async def receive_limited() -> Message:
            nonlocal received, tripped
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    tripped = True
                    raise self._too_large()
            return message

        async def send_with_id(message: Message) -> None:
            nonlocal started, replaced
            if replaced:
                return
            if message["type"] == "http.response.start":
                if tripped and message["status"] != 413:
                    replaced = started = True
                    await render_error(self._too_large(), request_id)(scope, receive, send)
                    return
                started = True
                headers = [h for h in message.get("headers", ()) if h[0].lower() != header[0]]
                headers.append(header)
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive_limited, send_with_id)
        except Exception as exc:
            if started:
                raise
            error: Exception = self._too_large() if tripped else exc
            if describe_error(error)[0] == INTERNAL_ERROR.status:
                log_unexpected_error(exc, request_id, scope["method"], scope["path"])
            await render_error(error, request_id)(scope, receive, send)

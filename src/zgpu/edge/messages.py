"""Versioned messages carried over the fabric, and their wire encoding (JSON via orjson).

Every message has ``v`` (its schema version). Within one version, fields are only ever added,
with defaults; readers ignore fields they do not know, so producers and consumers can be upgraded
in any order. A change that is not additive is a new ``v`` (and a new subject prefix).
"""

from __future__ import annotations

import time
from typing import Literal, TypeVar

import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from zgpu.edge.errors import MalformedMessage


def unix_ms_now() -> int:
    """The current wall-clock time in Unix milliseconds (deadlines cross machines)."""
    return time.time_ns() // 1_000_000


def deadline_after(seconds: float) -> int:
    """The absolute deadline, in Unix milliseconds, ``seconds`` from now."""
    return unix_ms_now() + round(seconds * 1000)


class _Message(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class InferRequest(_Message):
    """Run ``model`` on ``text``; sent by a gateway, answered with an :class:`InferReply`.

    ``deadline_unix_ms`` is absolute, so a worker can skip work whose caller has already gone.
    """

    v: Literal[1] = 1
    request_id: str = Field(min_length=1, max_length=128)
    model: str = Field(min_length=1, max_length=256)
    text: str
    max_output_tokens: int | None = Field(default=None, gt=0)
    deadline_unix_ms: int = Field(ge=0)


class InferReply(_Message):
    """The outcome of one :class:`InferRequest`.

    ``ok`` replies carry ``text`` and token counts. Failed ones carry ``error_code`` (a model
    error's code, ``deadline_exceeded``, ``malformed_request`` or ``internal``),
    ``error_message`` and, for model errors that name one, ``error_param``.
    ``service_ms`` is the time the worker spent on the request.
    """

    v: Literal[1] = 1
    request_id: str
    ok: bool
    text: str = ""
    input_tokens: int = Field(default=0, ge=0)
    output_tokens: int = Field(default=0, ge=0)
    worker_id: str
    error_code: str | None = None
    error_message: str | None = None
    error_param: str | None = None
    service_ms: float = Field(default=0.0, ge=0.0)


M = TypeVar("M", bound=_Message)


def encode(message: InferRequest | InferReply) -> bytes:
    """The wire form of ``message``: compact UTF-8 JSON."""
    return orjson.dumps(message.model_dump(mode="json"))


def decode(data: bytes, kind: type[M]) -> M:
    """Parse ``data`` as a message of type ``kind``.

    Raises:
        MalformedMessage: not JSON, not an object, an unknown version, or invalid fields.
    """
    try:
        raw = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise MalformedMessage(f"{kind.__name__}: not valid JSON ({exc})") from exc
    if not isinstance(raw, dict):
        raise MalformedMessage(f"{kind.__name__}: expected a JSON object")
    try:
        return kind.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "message"
        raise MalformedMessage(f"{kind.__name__}: {where}: {first['msg']}") from exc


def decode_request(data: bytes) -> InferRequest:
    """Parse an :class:`InferRequest`. Raises :class:`MalformedMessage`."""
    return decode(data, InferRequest)


def decode_reply(data: bytes) -> InferReply:
    """Parse an :class:`InferReply`. Raises :class:`MalformedMessage`."""
    return decode(data, InferReply)

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


class NodeHardware(_Message):
    """What a node runs on: logical cores, memory, CPU architecture and features."""

    cores: int = Field(ge=1, le=4096)
    memory_mb: int = Field(ge=0)
    arch: str = Field(default="", max_length=64)
    cpu_flags: list[str] = Field(default_factory=list, max_length=256)


class ModelStats(_Message):
    """A node's recent service times for one model (a sliding window of its last requests).

    ``ms_per_token`` is the median service time divided by input tokens: what the router
    multiplies by a payload's size.
    """

    model: str = Field(min_length=1, max_length=256)
    samples: int = Field(ge=0)
    p50_ms: float = Field(ge=0.0)
    p95_ms: float = Field(ge=0.0)
    ms_per_token: float = Field(ge=0.0)


class NodeAnnounce(_Message):
    """An edge node introduces itself; sent on start, on reconnect and every few seconds.

    Published on ``zgpu.v1.node.announce.<node_id>``; receivers ignore an announce whose
    ``node_id`` differs from the subject's last token. Position is given by the operator or
    found by GeoIP; ``region`` may be empty (the gateway derives it from the position).
    """

    v: Literal[1] = 1
    node_id: str = Field(min_length=1, max_length=128)
    lat: float = Field(ge=-90.0, le=90.0)
    lon: float = Field(ge=-180.0, le=180.0)
    region: str = Field(default="", max_length=32)
    hardware: NodeHardware
    models_cached: list[str] = Field(default_factory=list, max_length=1024)
    can_fetch: bool = True
    concurrency: int = Field(ge=1, le=4096)
    agent_version: str = Field(default="", max_length=64)
    sent_unix_ms: int = Field(ge=0)


class NodeHeartbeat(_Message):
    """A node's load, every second, on ``zgpu.v1.node.heartbeat.<node_id>``.

    ``seq`` grows by one per heartbeat of a node process (a restart starts again at 0).
    ``draining``: the node is finishing its work and takes nothing new.
    """

    v: Literal[1] = 1
    node_id: str = Field(min_length=1, max_length=128)
    seq: int = Field(ge=0)
    in_flight: int = Field(ge=0)
    queue_depth: int = Field(default=0, ge=0)
    concurrency: int = Field(ge=1, le=4096)
    models_cached: list[str] = Field(default_factory=list, max_length=1024)
    stats: list[ModelStats] = Field(default_factory=list, max_length=1024)
    draining: bool = False
    sent_unix_ms: int = Field(ge=0)


M = TypeVar("M", bound=_Message)


def encode(message: _Message) -> bytes:
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


def decode_announce(data: bytes) -> NodeAnnounce:
    """Parse a :class:`NodeAnnounce`. Raises :class:`MalformedMessage`."""
    return decode(data, NodeAnnounce)


def decode_heartbeat(data: bytes) -> NodeHeartbeat:
    """Parse a :class:`NodeHeartbeat`. Raises :class:`MalformedMessage`."""
    return decode(data, NodeHeartbeat)

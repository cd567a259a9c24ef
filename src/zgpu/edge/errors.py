"""Errors of the edge fabric.

Callers catch at the level they need::

    EdgeError(message, code)
    ├── NoCapacity            "no_capacity"        no worker took the request before its deadline
    ├── DeadlineExceeded      "deadline_exceeded"  a worker took it, no answer came in time
    └── FabricError           "fabric_error"       the fabric itself failed (connection, protocol)
        ├── MalformedMessage  "malformed_message"  a message that is not a valid, known version
        └── NatsServerError   (see codes below)    the embedded nats-server could not run

NATS client errors never escape ``zgpu.edge``: they are translated into these at the seam.
"""

from __future__ import annotations


class EdgeError(Exception):
    """Base of every error raised by ``zgpu.edge``; ``code`` is a stable machine-readable id."""

    default_code = "edge_error"

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code if code is not None else self.default_code

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, code={self.code!r})"


class NoCapacity(EdgeError):
    """No worker was free to take the request before its deadline passed."""

    default_code = "no_capacity"


class DeadlineExceeded(EdgeError):
    """The request's deadline passed before a worker answered."""

    default_code = "deadline_exceeded"


class FabricError(EdgeError):
    """The messaging fabric failed: not connected, connection closed, protocol error."""

    default_code = "fabric_error"


class MalformedMessage(FabricError):
    """A fabric message could not be decoded into a known, valid message version."""

    default_code = "malformed_message"


class NatsServerError(FabricError):
    """The embedded nats-server could not be started.

    Codes: ``nats_server_missing`` (no binary), ``port_in_use`` (the address is taken),
    ``nats_server_failed`` (it exited or never became ready).
    """

    default_code = "nats_server_failed"

"""The edge fabric: NATS messaging between gateways and the workers that run models.

Subjects live in :mod:`zgpu.edge.subjects`; the standalone worker entry is
:mod:`zgpu.edge.worker_main`.
"""

from zgpu.edge.dispatcher import DispatchConfig, Dispatcher
from zgpu.edge.errors import (
    DeadlineExceeded,
    EdgeError,
    FabricError,
    MalformedMessage,
    NatsServerError,
    NoCapacity,
)
from zgpu.edge.messages import (
    InferReply,
    InferRequest,
    deadline_after,
    decode_reply,
    decode_request,
    encode,
)
from zgpu.edge.nats_server import EmbeddedNats, find_nats_server_binary
from zgpu.edge.runner import TaskResult, TaskRunner
from zgpu.edge.worker import Worker

__all__ = [
    "DeadlineExceeded",
    "DispatchConfig",
    "Dispatcher",
    "EdgeError",
    "EmbeddedNats",
    "FabricError",
    "InferReply",
    "InferRequest",
    "MalformedMessage",
    "NatsServerError",
    "NoCapacity",
    "TaskResult",
    "TaskRunner",
    "Worker",
    "deadline_after",
    "decode_reply",
    "decode_request",
    "encode",
    "find_nats_server_binary",
]

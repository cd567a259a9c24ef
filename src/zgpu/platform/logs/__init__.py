"""Request logs: durable, group-committed writes and paged reads."""

from zgpu.platform.logs.models import RequestLog
from zgpu.platform.logs.schemas import RequestLogEntry, Route
from zgpu.platform.logs.service import list_logs
from zgpu.platform.logs.writer import RequestLogWriter

__all__ = [
    "RequestLog",
    "RequestLogEntry",
    "RequestLogWriter",
    "Route",
    "list_logs",
]

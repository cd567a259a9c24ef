"""Request logs: durable, group-committed writes; filtered, keyset-paged reads; exports;
retention."""

from zgpu.platform.logs.export import EXPORT_FIELDS, ExportFormat, export_logs, log_record
from zgpu.platform.logs.models import LogRetention, RequestLog
from zgpu.platform.logs.query import LogFilter, Order, SortKey, StatusFilter
from zgpu.platform.logs.retention import (
    RetentionPruner,
    get_retention,
    prune_expired,
    set_retention,
)
from zgpu.platform.logs.schemas import RequestLogEntry, Route
from zgpu.platform.logs.service import LogPage, get_log, list_logs, query_logs
from zgpu.platform.logs.writer import RequestLogWriter

__all__ = [
    "EXPORT_FIELDS",
    "ExportFormat",
    "LogFilter",
    "LogPage",
    "LogRetention",
    "Order",
    "RequestLog",
    "RequestLogEntry",
    "RequestLogWriter",
    "RetentionPruner",
    "Route",
    "SortKey",
    "StatusFilter",
    "export_logs",
    "get_log",
    "get_retention",
    "list_logs",
    "log_record",
    "prune_expired",
    "query_logs",
    "set_retention",
]

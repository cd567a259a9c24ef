"""Exporting a project's logs as CSV or JSON Lines, streamed chunk by chunk.

The export walks the listing's keyset order in chunks, each read in its own short session, so
memory stays bounded by one chunk however many rows match, and no transaction stays open while
the consumer (an HTTP client, a file) takes its time.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session

from zgpu.platform.errors import InvalidArgument
from zgpu.platform.logs.cursor import Position
from zgpu.platform.logs.models import RequestLog
from zgpu.platform.logs.query import LogFilter, Order, SortKey
from zgpu.platform.logs.repository import RequestLogRepository

DEFAULT_CHUNK = 5000

EXPORT_FIELDS: tuple[str, ...] = (
    "request_id",
    "created_at",
    "model",
    "status",
    "error_code",
    "latency_ms",
    "input_tokens",
    "output_tokens",
    "api_key_id",
    "served_by",
    "route",
    "region",
)
"""The exported fields, in column order."""


class ExportFormat(StrEnum):
    """How exported rows are written."""

    CSV = "csv"
    JSONL = "jsonl"

    @property
    def media_type(self) -> str:
        """The HTTP content type of this format."""
        return "text/csv; charset=utf-8" if self is ExportFormat.CSV else "application/x-ndjson"


def log_record(row: RequestLog) -> dict[str, Any]:
    """The exported fields of ``row`` as JSON-ready values (ISO 8601 time, string ids)."""
    return {
        "request_id": row.request_id,
        "created_at": row.created_at.isoformat(),
        "model": row.model,
        "status": row.status,
        "error_code": row.error_code,
        "latency_ms": row.latency_ms,
        "input_tokens": row.input_tokens,
        "output_tokens": row.output_tokens,
        "api_key_id": str(row.api_key_id) if row.api_key_id is not None else None,
        "served_by": row.served_by,
        "route": row.route,
        "region": row.region,
    }


def export_logs(
    open_session: Callable[[], AbstractContextManager[Session]],
    project_id: uuid.UUID,
    filters: LogFilter | None = None,
    fmt: ExportFormat = ExportFormat.CSV,
    *,
    sort: SortKey = SortKey.TIME,
    order: Order = Order.DESC,
    chunk_size: int = DEFAULT_CHUNK,
) -> Iterator[str]:
    """Text chunks of the export: CSV (header first, RFC 4180 quoting) or one JSON object per
    line. ``open_session`` is ``Database.session``: each chunk of ``chunk_size`` rows is read in
    its own session. Nothing is read until iteration starts.

    Raises ``InvalidArgument`` (param ``chunk_size``) for a chunk size below 1; database
    failures surface as ``StorageError`` during iteration.
    """
    if chunk_size < 1:
        raise InvalidArgument("chunk_size must be at least 1", param="chunk_size")
    return _chunks(open_session, project_id, filters or LogFilter(), fmt, sort, order, chunk_size)


def _chunks(
    open_session: Callable[[], AbstractContextManager[Session]],
    project_id: uuid.UUID,
    filters: LogFilter,
    fmt: ExportFormat,
    sort: SortKey,
    order: Order,
    chunk_size: int,
) -> Iterator[str]:
    if fmt is ExportFormat.CSV:
        yield _csv([list(EXPORT_FIELDS)])
    position: Position | None = None
    while True:
        with open_session() as session:
            rows = RequestLogRepository(session).page(
                project_id, filters, sort, order, chunk_size, position
            )
            records = [log_record(row) for row in rows]
        if not rows:
            return
        last = rows[-1]
        value = last.created_at if sort is SortKey.TIME else last.latency_ms
        position = Position(value, last.id)
        if fmt is ExportFormat.CSV:
            yield _csv([[_cell(record[name]) for name in EXPORT_FIELDS] for record in records])
        else:
            yield "".join(json.dumps(record, separators=(",", ":")) + "\n" for record in records)
        if len(rows) < chunk_size:
            return


def _cell(value: Any) -> Any:
    return "" if value is None else value


def _csv(rows: Sequence[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()

"""Exports stream every matching row, in chunks, as valid CSV or JSON Lines."""

from __future__ import annotations

import csv
import io
import json
import uuid

from sqlalchemy import event

from tests.unit.platform.logs.conftest import Seeded, store
from zgpu.platform.db import Database
from zgpu.platform.logs import (
    EXPORT_FIELDS,
    ExportFormat,
    LogFilter,
    RequestLogEntry,
    StatusFilter,
    export_logs,
)


def test_csv_export_has_every_row_once(db: Database, seeded: Seeded) -> None:
    chunks = list(export_logs(db.session, seeded.project_id, chunk_size=64))
    assert len(chunks) == 1 + -(-len(seeded.entries) // 64)  # header + ceil(300 / 64)
    records = list(csv.DictReader(io.StringIO("".join(chunks))))
    assert list(records[0]) == list(EXPORT_FIELDS)
    assert sorted(r["request_id"] for r in records) == sorted(e.request_id for e in seeded.entries)
    assert [r["created_at"] for r in records] == sorted(
        (r["created_at"] for r in records), reverse=True
    )


def test_jsonl_export_respects_filters(db: Database, seeded: Seeded) -> None:
    filters = LogFilter(status=StatusFilter.parse("4xx"))
    text = "".join(export_logs(db.session, seeded.project_id, filters, ExportFormat.JSONL))
    lines = text.splitlines()
    expected = [e for e in seeded.entries if 400 <= e.status < 500]
    assert len(lines) == len(expected)
    records = [json.loads(line) for line in lines]
    assert {r["request_id"] for r in records} == {e.request_id for e in expected}
    assert all(400 <= r["status"] < 500 for r in records)


def test_csv_escapes_awkward_values(db: Database, project_id: uuid.UUID) -> None:
    awkward = 'say "hi", then\nnewline; =SUM(A1)'
    store(
        db,
        [
            RequestLogEntry(
                request_id="req_awkward",
                project_id=project_id,
                model="zlm-v1-summary-cloud",
                status=500,
                latency_ms=1.5,
                error_code="x,y",
                served_by=awkward,
            )
        ],
    )
    text = "".join(export_logs(db.session, project_id))
    assert '"say ""hi"", then\nnewline; =SUM(A1)"' in text
    (record,) = csv.DictReader(io.StringIO(text))
    assert record["served_by"] == awkward
    assert record["error_code"] == "x,y"
    assert record["api_key_id"] == ""


def test_each_chunk_is_read_in_its_own_short_transaction(db: Database, seeded: Seeded) -> None:
    commits: list[object] = []
    event.listen(db.engine, "commit", lambda conn: commits.append(conn))
    stream = export_logs(db.session, seeded.project_id, fmt=ExportFormat.JSONL, chunk_size=100)
    assert commits == []  # lazy: nothing read before iteration
    first = next(stream)
    assert len(first.splitlines()) == 100
    assert len(commits) == 1
    rest = list(stream)
    assert sum(len(chunk.splitlines()) for chunk in rest) == 200
    assert len(commits) == 4  # three full chunks and the empty read that ends the walk

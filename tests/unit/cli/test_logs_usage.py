"""``zgpu logs`` and ``zgpu usage`` in local mode, on a database with recorded traffic."""

from __future__ import annotations

import asyncio
import csv
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.unit.platform.usage.traffic import NOW, Fleet, random_entries, record_all
from zgpu.cli.main import app
from zgpu.platform import ensure_first_run
from zgpu.platform.db import Database, upgrade_to_head
from zgpu.platform.logs import RequestLogEntry

runner = CliRunner()


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[RequestLogEntry]]:
    path = tmp_path_factory.mktemp("data")
    url = f"sqlite:///{path / 'zgpu.db'}"
    upgrade_to_head(url)
    db = Database(url)
    try:
        first = ensure_first_run(db)
        assert first is not None
        project = first.project.id
        fleet = Fleet(projects=(project,), keys={project: (None, first.key.id)})
        shift = datetime.now(UTC) - NOW
        entries = [
            RequestLogEntry(
                **(
                    {name: getattr(e, name) for name in e.__dataclass_fields__}
                    | {"created_at": e.created_at + shift}
                )
            )
            for e in random_entries(fleet, 200, seed=5, days=6)
        ]
        asyncio.run(record_all(db, entries))
    finally:
        db.dispose()
    return path, entries


def test_logs_json_filters_by_status_class(data_dir: tuple[Path, list[RequestLogEntry]]) -> None:
    path, entries = data_dir
    result = runner.invoke(
        app, ["logs", "--data-dir", str(path), "--status", "5xx", "--limit", "1000", "--json"]
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {row["id"] for row in rows} == {e.request_id for e in entries if e.status >= 500}


def test_logs_table_and_export(data_dir: tuple[Path, list[RequestLogEntry]]) -> None:
    path, entries = data_dir
    table = runner.invoke(app, ["logs", "--data-dir", str(path), "--limit", "5"])
    assert table.exit_code == 0, table.output
    assert "5 requests" in table.stdout
    out = path / "export.csv"
    result = runner.invoke(
        app, ["logs", "--data-dir", str(path), "--export", "csv", "--output", str(out)]
    )
    assert result.exit_code == 0, result.output
    with out.open(newline="") as file:
        assert len(list(csv.DictReader(file))) == len(entries)


def test_bad_filters_are_usage_errors(data_dir: tuple[Path, list[RequestLogEntry]]) -> None:
    path, _ = data_dir
    for args in (["--status", "7xx"], ["--since", "yesterday"], ["--export", "csv"]):
        result = runner.invoke(app, ["logs", "--data-dir", str(path), *args])
        assert result.exit_code == 2, (args, result.output)


def test_usage_totals_and_chart(data_dir: tuple[Path, list[RequestLogEntry]]) -> None:
    path, entries = data_dir
    result = runner.invoke(app, ["usage", "--data-dir", str(path), "--range", "7d", "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    start = document["summary"]["start_time"]
    inside = [e for e in entries if e.created_at.timestamp() >= start]
    assert document["summary"]["totals"]["num_model_requests"] == len(inside)
    assert sum(
        r["num_model_requests"] for b in document["series"]["data"] for r in b["results"]
    ) == len(inside)
    chart = runner.invoke(
        app, ["usage", "--data-dir", str(path), "--range", "7d", "--group-by", "model"]
    )
    assert chart.exit_code == 0, chart.output
    assert "█" in chart.stdout
    assert "By model" in chart.stdout

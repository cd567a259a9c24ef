"""``zgpu logs``: a project's request logs, filtered, as a table, JSON or an export file.

Local mode (``--data-dir``) reads the database; remote mode (``--server``, ``ZGPU_ADMIN_KEY``
or a stored ``zgpu login``) calls the management API. The output is the same in both.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

import httpx
import typer
from rich.console import Console
from rich.table import Table

from zgpu.cli.client import (
    AdminKeyOption,
    ManagementClient,
    ManagementError,
    ServerOption,
    fail,
    remote_client,
)
from zgpu.cli.options import DataDir, JsonOutput, settings_from
from zgpu.platform.db import Database, upgrade_to_head, utc_now
from zgpu.platform.errors import PlatformError
from zgpu.platform.logs import (
    ExportFormat,
    LogFilter,
    Order,
    SortKey,
    StatusFilter,
    export_logs,
    log_record,
    query_logs,
)
from zgpu.platform.projects import list_projects

console = Console()
errors = Console(stderr=True)
_DURATION = re.compile(r"^(\d{1,6})([smhdw])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_since(text: str) -> timedelta:
    """``"90s"``, ``"15m"``, ``"1h"``, ``"7d"``, ``"2w"`` as a duration."""
    match = _DURATION.match(text.strip())
    if match is None:
        raise typer.BadParameter(f"not a duration like 1h or 7d: {text!r}", param_hint="--since")
    return timedelta(**{_UNITS[match[2]]: int(match[1])})


def logs(
    project: Annotated[
        str | None, typer.Option("--project", help="Project id; the oldest active by default.")
    ] = None,
    status: Annotated[
        str | None, typer.Option("--status", help="A status (404) or a class (4xx).")
    ] = None,
    model: Annotated[str | None, typer.Option("--model", help="Only this model.")] = None,
    key: Annotated[str | None, typer.Option("--key", help="Only this API key id.")] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Only the last 15m, 1h, 7d ...")
    ] = None,
    sort: Annotated[SortKey, typer.Option("--sort", help="Order by time or latency.")] = (
        SortKey.TIME
    ),
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000, help="Rows to show.")] = 50,
    export: Annotated[
        ExportFormat | None,
        typer.Option("--export", help="Write every matching row to --output instead."),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", help="The export file ('-' for stdout).")
    ] = None,
    data_dir: DataDir = None,
    server: ServerOption = None,
    admin_key: AdminKeyOption = None,
    json_output: JsonOutput = False,
) -> None:
    """Show a project's latest requests (newest first), or export them as CSV or JSON Lines."""
    if export is not None and output is None:
        raise typer.BadParameter("--export needs --output FILE", param_hint="--output")
    start = utc_now() - parse_since(since) if since is not None else None
    params: dict[str, Any] = {
        "status": status,
        "model": model,
        "api_key_id": key,
        "start_time": int(start.timestamp()) if start is not None else None,
        "sort": sort.value,
        "order": Order.DESC.value,
    }
    client = remote_client(server, data_dir, admin_key)
    try:
        if client is not None:
            project_id = _remote_project(project, client)
            if export is not None and output is not None:
                count = _remote_export(client, project_id, params, export, output)
                errors.print(f"Exported {count} rows to {output}.")
                return
            query = urlencode({k: v for k, v in params.items() if v is not None} | {"limit": limit})
            rows = client.request("GET", f"/v1/organization/projects/{project_id}/logs?{query}")[
                "data"
            ]
        else:
            rows = _local(data_dir, project, status, model, key, start, sort, limit, export, output)
            if rows is None:
                return
    except (ManagementError, httpx.HTTPError) as exc:
        raise fail(exc) from None
    except PlatformError as exc:
        raise typer.BadParameter(exc.message, param_hint=exc.param) from None
    _show(rows, json_output)


def _local(
    data_dir: Path | None,
    project: str | None,
    status: str | None,
    model: str | None,
    key: str | None,
    start: datetime | None,
    sort: SortKey,
    limit: int,
    export: ExportFormat | None,
    output: Path | None,
) -> list[dict[str, Any]] | None:
    settings = settings_from(data_dir=data_dir)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade_to_head(settings.resolved_database_url)
    db = Database(settings.resolved_database_url)
    try:
        filters = LogFilter(
            status=StatusFilter.parse(status) if status is not None else None,
            model=model,
            api_key_id=_uuid(key, "--key") if key is not None else None,
            start=start,
        )
        with db.session() as session:
            project_id = _local_project(project, [p for p in list_projects(session)])
        if export is not None and output is not None:
            chunks = export_logs(db.session, project_id, filters, export, sort=sort)
            count = _write(chunks, output, export)
            errors.print(f"Exported {count} rows to {output}.")
            return None
        with db.session() as session:
            page = query_logs(session, project_id, filters, sort=sort, limit=limit)
            return [_wire(log_record(row), row.created_at) for row in page.data]
    finally:
        db.dispose()


def _wire(record: dict[str, Any], created_at: datetime) -> dict[str, Any]:
    """A local row in the API's shape (``id`` is the request id, times in Unix seconds)."""
    wire = {"id": record.pop("request_id"), "created_at": int(created_at.timestamp())}
    wire["timestamp"] = record.pop("created_at")
    return wire | record


def _uuid(value: str, hint: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise typer.BadParameter(f"not an id: {value!r}", param_hint=hint) from None


def _local_project(given: str | None, projects: list[Any]) -> uuid.UUID:
    if given is not None:
        return _uuid(given, "--project")
    active = [p for p in projects if p.archived_at is None]
    if not active:
        raise typer.BadParameter("no project exists yet; create one with `zgpu projects create`")
    project_id: uuid.UUID = active[0].id
    return project_id


def _remote_project(given: str | None, client: ManagementClient) -> str:
    if given is not None:
        return given
    projects = client.request("GET", "/v1/organization/projects?limit=1")["data"]
    if not projects:
        raise typer.BadParameter("the organization has no active project")
    project_id: str = projects[0]["id"]
    return project_id


def _write(chunks: Any, output: Path, fmt: ExportFormat) -> int:
    """Write text chunks to ``output`` (or stdout for ``-``); the number of rows written."""
    lines = 0
    if str(output) == "-":
        for chunk in chunks:
            typer.echo(chunk, nl=False)
            lines += chunk.count("\n")
    else:
        with output.open("w", encoding="utf-8", newline="") as file:
            for chunk in chunks:
                file.write(chunk)
                lines += chunk.count("\n")
    # CSV has a header line; quoted newlines inside cells are rare enough to ignore here.
    return lines - 1 if fmt is ExportFormat.CSV else lines


def _remote_export(
    client: ManagementClient,
    project_id: str,
    params: dict[str, Any],
    fmt: ExportFormat,
    output: Path,
) -> int:
    query = urlencode({k: v for k, v in params.items() if v is not None} | {"format": fmt.value})
    headers: dict[str, str] = {}
    cookies: dict[str, str] = {}
    if client.admin_key:
        headers["authorization"] = f"Bearer {client.admin_key}"
    elif client.session:
        cookies["zgpu_session"] = client.session
    if client.organization_id:
        headers["x-organization-id"] = client.organization_id
    path = f"/v1/organization/projects/{project_id}/logs/export?{query}"
    with (
        httpx.Client(base_url=client.server, timeout=300, cookies=cookies) as http,
        http.stream("GET", path, headers=headers) as response,
    ):
        if response.status_code >= 400:
            response.read()
            try:
                message = str(response.json()["error"]["message"])
            except (ValueError, KeyError, TypeError):
                message = response.text[:200]
            raise ManagementError(response.status_code, message)
        return _write(response.iter_text(), output, fmt)


def _show(rows: list[dict[str, Any]], json_output: bool) -> None:
    if json_output:
        print(json.dumps(rows))
        return
    table = Table(title=f"{len(rows)} requests, newest first")
    for column in ("time", "request id", "model", "status", "latency", "in", "out", "key"):
        table.add_column(column, justify="right" if column in ("latency", "in", "out") else "left")
    for row in rows:
        status = row["status"]
        colour = "green" if status < 400 else "yellow" if status < 500 else "red"
        when = datetime.fromtimestamp(row["created_at"], UTC).astimezone()
        table.add_row(
            when.strftime("%Y-%m-%d %H:%M:%S"),
            row["id"],
            row["model"],
            f"[{colour}]{status}[/]" + (f" {row['error_code']}" if row.get("error_code") else ""),
            f"{row['latency_ms']:.1f} ms",
            str(row["input_tokens"]),
            str(row["output_tokens"]),
            (row["api_key_id"] or "-")[:8],
        )
    console.print(table)

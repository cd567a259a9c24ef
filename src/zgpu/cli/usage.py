"""``zgpu usage``: totals and a terminal bar chart of requests and tokens over a range.

Local mode (``--data-dir``) reads the rollups of every project in the database (or one with
``--project``); remote mode (``--server``, ``ZGPU_ADMIN_KEY`` or a stored ``zgpu login``) asks
the management API for the current organization. The output is the same in both.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

import httpx
import typer
from rich.console import Console
from rich.table import Table

from zgpu.cli.client import AdminKeyOption, ManagementError, ServerOption, fail, remote_client
from zgpu.cli.options import DataDir, JsonOutput, settings_from
from zgpu.platform.db import Database, upgrade_to_head, utc_now
from zgpu.platform.errors import PlatformError
from zgpu.platform.projects import list_projects
from zgpu.platform.usage import (
    Granularity,
    GroupBy,
    UsageRange,
    UsageTotals,
    usage_series,
    usage_summary,
)

console = Console()
_BAR_WIDTH = 30
_AUTO_BUCKET = {UsageRange.DAY: "1h", UsageRange.WEEK: "1d", UsageRange.MONTH: "1d"}
_WIDTHS = {"1m": Granularity.MINUTE, "1h": Granularity.HOUR, "1d": Granularity.DAY}


def usage(
    range_: Annotated[
        UsageRange, typer.Option("--range", help="How far back from now.")
    ] = UsageRange.WEEK,
    group_by: Annotated[
        GroupBy | None, typer.Option("--group-by", help="Split the totals by this dimension.")
    ] = None,
    bucket: Annotated[
        Literal["1h", "1d"] | None,
        typer.Option("--bucket", help="Bar width; 1h for 1d ranges, 1d otherwise."),
    ] = None,
    project: Annotated[
        str | None, typer.Option("--project", help="Only this project (local: all by default).")
    ] = None,
    data_dir: DataDir = None,
    server: ServerOption = None,
    admin_key: AdminKeyOption = None,
    json_output: JsonOutput = False,
) -> None:
    """Total requests, average response time and tokens, with requests and tokens per bucket."""
    width = bucket or _AUTO_BUCKET[range_]
    client = remote_client(server, data_dir, admin_key)
    try:
        if client is not None:
            query: dict[str, Any] = {"range": range_.value}
            if group_by is not None:
                query["group_by"] = group_by.value
            if project is not None:
                query["project_ids"] = project
            summary = client.request("GET", f"/v1/organization/usage/summary?{urlencode(query)}")
            query.pop("group_by", None)
            query["bucket_width"] = width
            page = client.request("GET", f"/v1/organization/usage?{urlencode(query)}")
        else:
            summary, page = _local(data_dir, project, range_, group_by, _WIDTHS[width])
    except (ManagementError, httpx.HTTPError) as exc:
        raise fail(exc) from None
    except PlatformError as exc:
        raise typer.BadParameter(exc.message, param_hint=exc.param) from None
    if json_output:
        print(json.dumps({"summary": summary, "series": page}))
        return
    _show(summary, page, range_, group_by)


def _result(totals: UsageTotals, **group: Any) -> dict[str, Any]:
    """Totals in the API's ``organization.usage.result`` shape."""
    return {
        "num_model_requests": totals.requests,
        "errors": totals.errors,
        "input_tokens": totals.input_tokens,
        "output_tokens": totals.output_tokens,
        "average_latency_ms": totals.average_latency_ms,
        "latency_us_sum": totals.latency_us_sum,
        **{k: (str(v) if isinstance(v, uuid.UUID) else v) for k, v in group.items()},
    }


def _local(
    data_dir: Path | None,
    project: str | None,
    range_: UsageRange,
    group_by: GroupBy | None,
    width: Granularity,
) -> tuple[dict[str, Any], dict[str, Any]]:
    settings = settings_from(data_dir=data_dir)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade_to_head(settings.resolved_database_url)
    db = Database(settings.resolved_database_url)
    start, end = range_.resolve(utc_now())
    try:
        with db.session() as session:
            if project is not None:
                try:
                    project_ids = [uuid.UUID(project)]
                except ValueError:
                    raise typer.BadParameter(
                        f"not a project id: {project!r}", param_hint="--project"
                    ) from None
            else:
                project_ids = [p.id for p in list_projects(session)]
            groups = [group_by] if group_by is not None else []
            summary = usage_summary(session, project_ids, start, end, group_by=groups)
            series = usage_series(session, project_ids, start, end, width)
    finally:
        db.dispose()
    summary_wire = {
        "start_time": int(summary.start.timestamp()),
        "end_time": int(summary.end.timestamp()),
        "totals": _result(summary.totals),
        "results": [
            _result(g.totals, project_id=g.project_id, api_key_id=g.api_key_id, model=g.model)
            for g in summary.groups
        ],
    }
    page = {
        "data": [
            {
                "start_time": int(b.start.timestamp()),
                "end_time": int(b.end.timestamp()),
                "results": [_result(b.totals)] if b.groups else [],
            }
            for b in series.buckets
        ]
    }
    return summary_wire, page


def _show(
    summary: dict[str, Any], page: dict[str, Any], range_: UsageRange, group_by: GroupBy | None
) -> None:
    totals = summary["totals"]
    average = totals["average_latency_ms"]
    table = Table(title=f"Usage, last {range_.value}")
    for column in ("requests", "errors", "avg response", "input tokens", "output tokens"):
        table.add_column(column, justify="right")
    table.add_row(
        f"{totals['num_model_requests']:,}",
        f"{totals['errors']:,}",
        f"{average:.1f} ms" if average is not None else "-",
        f"{totals['input_tokens']:,}",
        f"{totals['output_tokens']:,}",
    )
    console.print(table)
    if group_by is not None and summary["results"]:
        groups = Table(title=f"By {group_by.value}")
        groups.add_column(group_by.value)
        for column in ("requests", "share", "input tokens", "output tokens"):
            groups.add_column(column, justify="right")
        everything = max(1, totals["num_model_requests"])
        for result in sorted(summary["results"], key=lambda r: -r["num_model_requests"]):
            groups.add_row(
                str(result.get(group_by.value) or "(none)"),
                f"{result['num_model_requests']:,}",
                f"{100 * result['num_model_requests'] / everything:.1f}%",
                f"{result['input_tokens']:,}",
                f"{result['output_tokens']:,}",
            )
        console.print(groups)
    _chart(page["data"])


def _chart(buckets: list[dict[str, Any]]) -> None:
    """One line per bucket: a bar of requests, then the request and token counts."""
    rows = []
    for bucket in buckets:
        requests = sum(r["num_model_requests"] for r in bucket["results"])
        tokens = sum(r["input_tokens"] + r["output_tokens"] for r in bucket["results"])
        rows.append((bucket["start_time"], requests, tokens))
    peak = max((requests for _, requests, _ in rows), default=0)
    hourly = len(rows) > 1 and rows[1][0] - rows[0][0] <= 3600
    console.print("[bold]Requests and tokens per bucket[/]")
    for start, requests, tokens in rows:
        when = datetime.fromtimestamp(start, UTC).astimezone()
        label = when.strftime("%m-%d %H:%M" if hourly else "%Y-%m-%d")
        length = round(_BAR_WIDTH * requests / peak) if peak else 0
        bar = "█" * length + " " * (_BAR_WIDTH - length)
        console.print(f"{label} [cyan]{bar}[/] {requests:>7,} req {tokens:>10,} tok")

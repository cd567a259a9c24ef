"""Logs and usage endpoints on a live gateway: shapes, cursors, export, exact usage, isolation,
strict query validation."""

from __future__ import annotations

import asyncio
import csv
import io
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.integration.management.actors import Actor, signup
from tests.integration.management.live import Live
from tests.unit.platform.usage.traffic import Fleet, random_entries, record_all
from zgpu.platform.logs import RequestLogEntry
from zgpu.platform.usage import latency_us


def vars_of(entry: RequestLogEntry) -> dict[str, Any]:
    """The entry's fields."""
    return {name: getattr(entry, name) for name in entry.__dataclass_fields__}


def _run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)


@pytest.fixture(scope="module")
def world(live: Live) -> dict[str, Any]:
    owner, session = signup(live, "analyst", "Analytics")
    org = session["organizations"][0]["id"]
    project = owner.request("GET", "/v1/organization/projects", org).json()["data"][0]["id"]
    path = f"/v1/organization/projects/{project}/api_keys"
    key = owner.request("POST", path, org, {"name": "k"}).json()["id"]
    stranger, stranger_session = signup(live, "stranger", "Elsewhere")
    fleet = Fleet(projects=(uuid.UUID(project),), keys={uuid.UUID(project): (None, uuid.UUID(key))})
    entries = random_entries(fleet, 240, seed=11, days=3)
    # Stamp the traffic relative to the real clock: presets end now.
    now = datetime.now(UTC)
    shift = now - max(e.created_at for e in entries) - timedelta(minutes=1)
    moved = [
        RequestLogEntry(
            **(
                {n: getattr(e, n) for n in e.__dataclass_fields__}
                | {"created_at": e.created_at + shift}
            )
        )
        for e in entries
    ]
    _run(record_all(live.gateway.database, moved))
    return {
        "owner": owner,
        "org": org,
        "project": project,
        "entries": moved,
        "stranger": stranger,
        "stranger_org": stranger_session["organizations"][0]["id"],
    }


def _get(actor: Actor, path: str, org: str) -> Any:
    return actor.request("GET", path, org)


def test_logs_pages_walk_every_4xx_once(world: dict[str, Any]) -> None:
    owner, org, project = world["owner"], world["org"], world["project"]
    base = f"/v1/organization/projects/{project}/logs?status=4xx&limit=7"
    seen: list[dict[str, Any]] = []
    path = base
    while True:
        response = _get(owner, path, org)
        assert response.status_code == 200, response.text
        page = response.json()
        assert page["object"] == "list"
        seen.extend(page["data"])
        if not page["has_more"]:
            break
        path = f"{base}&after={page['next_cursor']}"
    expected = {e.request_id for e in world["entries"] if 400 <= e.status < 500}
    assert {row["id"] for row in seen} == expected
    assert len(seen) == len(expected)
    one = _get(owner, f"/v1/organization/projects/{project}/logs/{seen[0]['id']}", org).json()
    assert one == seen[0]


def test_export_streams_csv_with_a_filename(world: dict[str, Any]) -> None:
    owner, org, project = world["owner"], world["org"], world["project"]
    response = _get(owner, f"/v1/organization/projects/{project}/logs/export?format=csv", org)
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == len(world["entries"])


def test_usage_totals_equal_the_log(world: dict[str, Any]) -> None:
    owner, org = world["owner"], world["org"]
    entries: list[RequestLogEntry] = world["entries"]
    for range_name, days in (("1d", 1), ("7d", 7)):
        summary = _get(owner, f"/v1/organization/usage/summary?range={range_name}", org).json()
        lo = datetime.fromtimestamp(summary["start_time"], UTC)
        hi = datetime.fromtimestamp(summary["end_time"], UTC)
        assert hi - lo >= timedelta(days=days)
        inside = [e for e in entries if lo <= e.created_at < hi]
        totals = summary["totals"]
        assert totals["num_model_requests"] == len(inside)
        assert totals["input_tokens"] == sum(e.input_tokens for e in inside)
        assert totals["output_tokens"] == sum(e.output_tokens for e in inside)
        assert totals["latency_us_sum"] == sum(latency_us(e.latency_ms) for e in inside)
        page = _get(
            owner, f"/v1/organization/usage?range={range_name}&bucket_width=1h&group_by=model", org
        ).json()
        assert page["object"] == "page"
        assert page["data"][0]["start_time"] == summary["start_time"]
        assert page["data"][-1]["end_time"] == summary["end_time"]
        assert sum(r["num_model_requests"] for b in page["data"] for r in b["results"]) == len(
            inside
        )
        assert all(r["model"] for b in page["data"] for r in b["results"])


def test_other_organizations_see_nothing(world: dict[str, Any]) -> None:
    stranger, stranger_org, project = world["stranger"], world["stranger_org"], world["project"]
    for path in (
        f"/v1/organization/projects/{project}/logs",
        f"/v1/organization/projects/{project}/logs/export",
        f"/v1/organization/projects/{project}/logs/{world['entries'][0].request_id}",
        f"/v1/organization/usage/summary?range=7d&project_ids={project}",
    ):
        assert _get(stranger, path, stranger_org).status_code == 404, path
    own = _get(stranger, "/v1/organization/usage/summary?range=30d", stranger_org).json()
    assert own["totals"]["num_model_requests"] == 0


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("logs?status=4x", "status"),
        ("logs?limit=1001", "limit"),
        ("logs?limit=abc", "limit"),
        ("logs?sort=size", "sort"),
        ("logs?after=nonsense", "after"),
        ("logs?start_time=-5", "start_time"),
        ("logs?start_time=200&end_time=100", "end_time"),
        ("logs?api_key_id=xyz", "api_key_id"),
        ("logs?colour=blue", "colour"),
        ("logs/export?format=xml", "format"),
    ],
)
def test_bad_log_queries_name_the_parameter(world: dict[str, Any], query: str, param: str) -> None:
    path = f"/v1/organization/projects/{world['project']}/{query}"
    response = _get(world["owner"], path, world["org"])
    assert response.status_code == 400, response.text
    assert response.json()["error"]["param"] == param


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("?end_time=5", "start_time"),
        ("?range=2d", "range"),
        ("?range=1d&start_time=5", "range"),
        ("?start_time=0&bucket_width=1m", "bucket_width"),
        ("?range=1d&bucket_width=5m", "bucket_width"),
        ("?range=1d&group_by=colour", "group_by.0"),
        ("?range=1d&group_by=model&group_by=model", "group_by"),
        ("?range=1d&project_ids=nope", "project_ids.0"),
        ("?range=1d&verbose=1", "verbose"),
        ("?start_time=99999999999999", "start_time"),
    ],
)
def test_bad_usage_queries_name_the_parameter(
    world: dict[str, Any], query: str, param: str
) -> None:
    response = _get(world["owner"], f"/v1/organization/usage{query}", world["org"])
    assert response.status_code == 400, response.text
    assert response.json()["error"]["param"] == param

"""The command line in remote mode against a real gateway: login, orgs, projects, keys."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.integration.management.actors import PASSWORD, signup
from tests.integration.management.live import Live
from zgpu.cli.main import app


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty home directory, so stored sign-ins are this test's own."""
    monkeypatch.setenv("HOME", str(tmp_path))
    for name in ("ZGPU_DATA_DIR", "ZGPU_DATABASE_URL", "ZGPU_ADMIN_KEY"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def _run(*args: str, stdin: str | None = None) -> str:
    result = CliRunner().invoke(app, list(args), input=stdin)
    assert result.exit_code == 0, result.output
    return result.output


def test_login_then_manage_remotely(live: Live, home: Path) -> None:
    actor, _ = signup(live, "cli", "CLI org")
    assert actor.email is not None
    _run("login", "--server", live.url, "--email", actor.email, "--password-stdin",
         stdin=PASSWORD + "\n")  # fmt: skip
    stored = home / ".config" / "zgpu" / "credentials.json"
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert PASSWORD not in stored.read_text()

    orgs = json.loads(_run("orgs", "list", "--json"))
    assert [o["name"] for o in orgs] == ["CLI org"]
    second = json.loads(_run("orgs", "create", "Second", "--json"))
    _run("orgs", "switch", second["id"])
    made = json.loads(_run("projects", "create", "From CLI", "--json"))
    listed = json.loads(_run("projects", "list", "--json"))
    assert {p["name"] for p in listed} == {"Default project", "From CLI"}
    assert {p["organization_id"] for p in listed} == {second["id"]}

    key = json.loads(_run("keys", "create", "--project", made["id"], "--name", "ci", "--json"))
    assert set(key) == {"id", "key", "project_id", "name"}
    assert key["key"].startswith("zgpu-api-")
    keys = json.loads(_run("keys", "list", "--project", made["id"], "--json"))
    assert [(k["id"], k["status"], k["created_by"]) for k in keys] == [
        (key["id"], "active", actor.user_id)
    ]
    assert key["key"] not in json.dumps(keys)
    _run("keys", "revoke", key["id"], "--project", made["id"])
    keys = json.loads(_run("keys", "list", "--project", made["id"], "--json"))
    assert keys[0]["status"] == "revoked"

    _run("logout")
    assert json.loads(stored.read_text())["servers"] == {}
    result = CliRunner().invoke(app, ["orgs", "list"])
    assert result.exit_code != 0


def test_admin_key_from_the_environment(
    live: Live, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner, session = signup(live, "auto")
    org = session["organizations"][0]["id"]
    secret = owner.request("POST", "/v1/organization/admin_api_keys", org, {"name": "ci"}).json()
    monkeypatch.setenv("ZGPU_ADMIN_KEY", secret["value"])
    listed = json.loads(_run("projects", "list", "--server", live.url, "--json"))
    assert [p["name"] for p in listed] == ["Default project"]
    key = json.loads(_run("keys", "create", "--server", live.url, "--json"))
    assert key["project_id"] == listed[0]["id"]


def test_logs_and_usage_remotely_match_the_traffic(
    live: Live, home: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Requests through the real API, then ``zgpu logs`` and ``zgpu usage`` against the server:
    every request listed once, filters applied by the server, totals equal to the log."""
    owner, session = signup(live, "watcher", "Watched")
    org = session["organizations"][0]["id"]
    project = owner.request("GET", "/v1/organization/projects", org).json()["data"][0]["id"]
    made = owner.request(
        "POST", f"/v1/organization/projects/{project}/api_keys", org, {"name": "app"}
    )
    secret = made.json()["value"]
    admin = owner.request("POST", "/v1/organization/admin_api_keys", org, {"name": "cli"})
    monkeypatch.setenv("ZGPU_ADMIN_KEY", admin.json()["value"])

    with live.client(headers={"x-api-key": secret}) as api:
        unknown = [
            api.post("/v1/responses", json={"model": "no-such-model", "input": "hi"})
            for _ in range(3)
        ]
        bad_input = api.post("/v1/responses", json={"model": "zlm-v1-summary-cloud", "input": 5})
    assert [r.status_code for r in [*unknown, bad_input]] == [400, 400, 400, 400]
    request_ids = {r.headers["x-request-id"] for r in [*unknown, bad_input]}

    rows = json.loads(_run("logs", "--server", live.url, "--project", project, "--json"))
    assert {row["id"] for row in rows} == request_ids
    only_unknown = json.loads(
        _run(
            "logs", "--server", live.url, "--project", project, "--model", "no-such-model", "--json"
        )
    )
    assert {row["id"] for row in only_unknown} == {r.headers["x-request-id"] for r in unknown}
    assert {row["error_code"] for row in only_unknown} == {"model_not_found"}
    # A body that failed validation is still logged under the model it named.
    summary = json.loads(
        _run(
            "logs",
            "--server",
            live.url,
            "--project",
            project,
            "--model",
            "zlm-v1-summary-cloud",
            "--json",
        )
    )
    assert [(r["id"], r["error_code"]) for r in summary] == [
        (bad_input.headers["x-request-id"], "invalid_request_error")
    ]
    assert (
        json.loads(
            _run("logs", "--server", live.url, "--project", project, "--status", "5xx", "--json")
        )
        == []
    )

    export = tmp_path / "logs.csv"
    _run("logs", "--server", live.url, "--project", project, "--status", "4xx",
         "--export", "csv", "--output", str(export))  # fmt: skip
    lines = export.read_text().strip().splitlines()
    assert len(lines) == 1 + len(request_ids)  # header + one line per request

    usage = json.loads(_run("usage", "--server", live.url, "--range", "1d", "--json"))
    totals = usage["summary"]["totals"]
    assert totals["num_model_requests"] == totals["errors"] == len(request_ids)
    assert totals["latency_us_sum"] == sum(round(row["latency_ms"] * 1000) for row in rows)
    per_bucket = [r["num_model_requests"] for b in usage["series"]["data"] for r in b["results"]]
    assert sum(per_bucket) == len(request_ids)
    chart = _run("usage", "--server", live.url, "--range", "7d")
    assert "█" in chart or "▇" in chart, chart
    assert secret not in chart
    assert secret not in json.dumps(rows)

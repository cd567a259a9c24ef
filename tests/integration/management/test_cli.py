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

"""``zgpu keys create|list|revoke``: API keys of a project, locally or through a server.

Local mode (``--data-dir``) opens the database; remote mode (``--server``, ``ZGPU_ADMIN_KEY`` or
a stored ``zgpu login``) calls the management API. The output is the same in both.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Annotated, Any

import httpx
import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session

from zgpu.cli.client import (
    AdminKeyOption,
    ManagementClient,
    ManagementError,
    ServerOption,
    fail,
    remote_client,
)
from zgpu.cli.database import open_session
from zgpu.cli.options import DataDir, JsonOutput, settings_from
from zgpu.platform.errors import PlatformError
from zgpu.platform.keys import create_key, list_keys, revoke_key
from zgpu.platform.projects import list_projects

app = typer.Typer(help="Create, list and revoke API keys.", no_args_is_help=True)
console = Console()

ProjectOption = Annotated[
    str | None, typer.Option("--project", help="Project id; the default project when omitted.")
]


def _project_id(given: str | None, session: Session) -> uuid.UUID:
    """The project named by ``--project``, else the oldest active project."""
    if given is None:
        active = [p for p in list_projects(session) if p.archived_at is None]
        if not active:
            raise typer.BadParameter(
                "no project exists yet; create one with `zgpu projects create`"
            )
        return active[0].id
    try:
        return uuid.UUID(given)
    except ValueError:
        raise typer.BadParameter(f"not a project id: {given!r}", param_hint="--project") from None


def _remote_project(given: str | None, client: ManagementClient) -> str:
    """``--project``, else the oldest active project of the current organization."""
    if given is not None:
        return given
    projects = client.request("GET", "/v1/organization/projects?limit=1")["data"]
    if not projects:
        raise typer.BadParameter("the organization has no active project")
    project_id: str = projects[0]["id"]
    return project_id


def _time(unix: int | None) -> str | None:
    return datetime.fromtimestamp(unix).astimezone().isoformat() if unix is not None else None


@app.command("create")
def create(
    name: Annotated[str, typer.Option(help="A name to recognise the key by.")] = "API key",
    project: ProjectOption = None,
    data_dir: DataDir = None,
    server: ServerOption = None,
    admin_key: AdminKeyOption = None,
    json_output: JsonOutput = False,
) -> None:
    """Create a key; its secret is printed once and never again."""
    client = remote_client(server, data_dir, admin_key)
    if client is not None:
        try:
            project_id = _remote_project(project, client)
            made = client.request(
                "POST", f"/v1/organization/projects/{project_id}/api_keys", {"name": name}
            )
        except (ManagementError, httpx.HTTPError) as exc:
            raise fail(exc) from None
        result = {
            "id": made["id"], "key": made["value"], "project_id": made["project_id"],
            "name": made["name"],
        }  # fmt: skip
    else:
        settings = settings_from(data_dir=data_dir)
        try:
            with open_session(settings) as session:
                created = create_key(session, _project_id(project, session), name)
        except PlatformError as exc:
            raise typer.BadParameter(str(exc)) from None
        result = {
            "id": str(created.id), "key": created.secret,
            "project_id": str(created.project_id), "name": created.name,
        }  # fmt: skip
    if json_output:
        print(json.dumps(result))
        return
    console.print(f"Created key [bold]{result['name']}[/] for project {result['project_id']}:")
    console.print(f"\n  [bold]{result['key']}[/]\n")
    console.print("[yellow]Copy it now: it will not be shown again.[/]")


def _local_rows(project: str | None, data_dir: Any) -> tuple[str, list[dict[str, Any]]]:
    settings = settings_from(data_dir=data_dir)
    with open_session(settings) as session:
        project_id = _project_id(project, session)
        keys = list_keys(session, project_id)
    rows = [
        {
            "id": str(k.id),
            "name": k.name,
            "key": k.masked,
            "status": k.status,
            "created_at": k.created_at.isoformat(),
            "created_by": str(k.created_by) if k.created_by else None,
            "last_used_at": k.last_used_at.isoformat() if k.last_used_at else None,
        }
        for k in keys
    ]
    return str(project_id), rows


def _remote_rows(project: str | None, client: ManagementClient) -> tuple[str, list[dict[str, Any]]]:
    project_id = _remote_project(project, client)
    keys = client.request("GET", f"/v1/organization/projects/{project_id}/api_keys?limit=100")
    rows = [
        {
            "id": k["id"],
            "name": k["name"],
            "key": k["redacted_value"],
            "status": k["status"],
            "created_at": _time(k["created_at"]),
            "created_by": k["created_by"],
            "last_used_at": _time(k["last_used_at"]),
        }
        for k in keys["data"]
    ]
    return project_id, rows


@app.command("list")
def list_(
    project: ProjectOption = None,
    data_dir: DataDir = None,
    server: ServerOption = None,
    admin_key: AdminKeyOption = None,
    json_output: JsonOutput = False,
) -> None:
    """List a project's keys, masked."""
    client = remote_client(server, data_dir, admin_key)
    try:
        project_id, rows = (
            _remote_rows(project, client) if client else _local_rows(project, data_dir)
        )
    except (ManagementError, httpx.HTTPError, PlatformError) as exc:
        raise fail(exc) from None
    if json_output:
        print(json.dumps(rows))
        return
    table = Table(title=f"API keys of project {project_id}")
    for column in ("id", "name", "key", "status", "created", "created by", "last used"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            row["id"], row["name"], row["key"], row["status"], (row["created_at"] or "")[:16],
            row["created_by"] or "-", (row["last_used_at"] or "never")[:16],
        )  # fmt: skip
    console.print(table)


@app.command("revoke")
def revoke(
    key_id: Annotated[str, typer.Argument(help="The id of the key (see `zgpu keys list`).")],
    project: ProjectOption = None,
    data_dir: DataDir = None,
    server: ServerOption = None,
    admin_key: AdminKeyOption = None,
) -> None:
    """Revoke a key: immediate and permanent."""
    try:
        parsed = uuid.UUID(key_id)
    except ValueError:
        raise typer.BadParameter(f"not a key id: {key_id!r}", param_hint="KEY_ID") from None
    client = remote_client(server, data_dir, admin_key)
    try:
        if client is not None:
            project_id = _remote_project(project, client)
            client.request("DELETE", f"/v1/organization/projects/{project_id}/api_keys/{parsed}")
        else:
            with open_session(settings_from(data_dir=data_dir)) as session:
                revoke_key(session, parsed)
    except (ManagementError, httpx.HTTPError, PlatformError) as exc:
        raise fail(exc) from None
    console.print(f"Revoked key {parsed}.")

"""``zgpu projects list|create|archive|restore``, locally or through a server (see ``keys``)."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Annotated, Any

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
from zgpu.cli.database import open_session
from zgpu.cli.options import DataDir, JsonOutput, settings_from
from zgpu.platform.accounts import list_organizations
from zgpu.platform.errors import PlatformError
from zgpu.platform.projects import (
    Project,
    archive_project,
    create_project,
    list_projects,
    restore_project,
)

app = typer.Typer(help="List, create, archive and restore projects.", no_args_is_help=True)
console = Console()

ProjectId = Annotated[str, typer.Argument(help="The project's id.")]


def _local_row(p: Project) -> dict[str, Any]:
    return {
        "id": str(p.id),
        "organization_id": str(p.organization_id),
        "name": p.name,
        "environment": p.environment,
        "status": "archived" if p.archived_at else "active",
        "created_at": p.created_at.isoformat(),
    }


def _remote_row(p: dict[str, Any]) -> dict[str, Any]:
    created = datetime.fromtimestamp(p["created_at"]).astimezone().isoformat()
    return {
        "id": p["id"],
        "organization_id": p["organization_id"],
        "name": p["name"],
        "environment": p["environment"],
        "status": p["status"],
        "created_at": created,
    }


def _print(rows: list[dict[str, Any]], json_output: bool) -> None:
    if json_output:
        print(json.dumps(rows))
        return
    table = Table(title="Projects")
    for column in ("id", "name", "environment", "status", "created"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            row["id"], row["name"], row["environment"], row["status"], row["created_at"][:16]
        )
    console.print(table)


@app.command("list")
def list_(
    data_dir: DataDir = None,
    server: ServerOption = None,
    admin_key: AdminKeyOption = None,
    json_output: JsonOutput = False,
) -> None:
    """List projects with their id, environment and status (archived ones included)."""
    client = remote_client(server, data_dir, admin_key)
    if client is not None:
        try:
            data = client.request(
                "GET", "/v1/organization/projects?limit=100&include_archived=true"
            )
        except (ManagementError, httpx.HTTPError) as exc:
            raise fail(exc) from None
        _print([_remote_row(p) for p in data["data"]], json_output)
        return
    with open_session(settings_from(data_dir=data_dir)) as session:
        rows = [_local_row(p) for p in list_projects(session)]
    _print(rows, json_output)


@app.command("create")
def create(
    name: Annotated[str, typer.Argument(help="The project's name.")],
    environment: Annotated[
        str, typer.Option(help="development, staging or production.")
    ] = "development",
    organization: Annotated[
        str | None, typer.Option(help="Organization id (local mode); the first one when omitted.")
    ] = None,
    data_dir: DataDir = None,
    server: ServerOption = None,
    admin_key: AdminKeyOption = None,
    json_output: JsonOutput = False,
) -> None:
    """Create a project in an organization."""
    client = remote_client(server, data_dir, admin_key)
    if client is not None:
        try:
            made = client.request(
                "POST", "/v1/organization/projects", {"name": name, "environment": environment}
            )
        except (ManagementError, httpx.HTTPError) as exc:
            raise fail(exc) from None
        result = {"id": made["id"], "name": made["name"], "environment": made["environment"]}
    else:
        result = _create_local(name, environment, organization, data_dir)
    if json_output:
        print(json.dumps(result))
    else:
        console.print(f"Created project [bold]{result['name']}[/] ({result['id']}).")


def _create_local(
    name: str, environment: str, organization: str | None, data_dir: Any
) -> dict[str, str]:
    try:
        with open_session(settings_from(data_dir=data_dir)) as session:
            if organization is None:
                orgs = list_organizations(session)
                if not orgs:
                    raise typer.BadParameter("no organization exists yet; run `zgpu serve` once")
                org_id = orgs[0].id
            else:
                org_id = uuid.UUID(organization)
            project = create_project(session, org_id, name, environment=environment)
            return {"id": str(project.id), "name": project.name, "environment": environment}
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    except PlatformError as exc:
        raise fail(exc) from None


def _change(
    action: str, project_id: str, data_dir: Any, client: ManagementClient | None
) -> dict[str, Any]:
    if client is not None:
        row: dict[str, Any] = client.request(
            "POST", f"/v1/organization/projects/{project_id}/{action}"
        )
        return _remote_row(row)
    change = archive_project if action == "archive" else restore_project
    with open_session(settings_from(data_dir=data_dir)) as session:
        return _local_row(change(session, uuid.UUID(project_id)))


@app.command("archive")
def archive(
    project_id: ProjectId,
    data_dir: DataDir = None,
    server: ServerOption = None,
    admin_key: AdminKeyOption = None,
) -> None:
    """Archive a project: its keys stop working until it is restored."""
    try:
        row = _change("archive", project_id, data_dir, remote_client(server, data_dir, admin_key))
    except (ManagementError, httpx.HTTPError, PlatformError, ValueError) as exc:
        raise fail(exc) from None
    console.print(f"Archived project {row['name']} ({row['id']}).")


@app.command("restore")
def restore(
    project_id: ProjectId,
    data_dir: DataDir = None,
    server: ServerOption = None,
    admin_key: AdminKeyOption = None,
) -> None:
    """Restore an archived project."""
    try:
        row = _change("restore", project_id, data_dir, remote_client(server, data_dir, admin_key))
    except (ManagementError, httpx.HTTPError, PlatformError, ValueError) as exc:
        raise fail(exc) from None
    console.print(f"Restored project {row['name']} ({row['id']}).")

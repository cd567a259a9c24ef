"""``zgpu keys create|list|revoke``: API keys of a project."""

from __future__ import annotations

import json
import uuid
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session

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


@app.command("create")
def create(
    name: Annotated[str, typer.Option(help="A name to recognise the key by.")] = "API key",
    project: ProjectOption = None,
    data_dir: DataDir = None,
    json_output: JsonOutput = False,
) -> None:
    """Create a key; its secret is printed once and never again."""
    settings = settings_from(data_dir=data_dir)
    try:
        with open_session(settings) as session:
            project_id = _project_id(project, session)
            created = create_key(session, project_id, name)
    except PlatformError as exc:
        raise typer.BadParameter(str(exc)) from None
    if json_output:
        print(
            json.dumps(
                {
                    "id": str(created.id),
                    "key": created.secret,
                    "project_id": str(created.project_id),
                    "name": created.name,
                }
            )
        )
        return
    console.print(f"Created key [bold]{created.name}[/] for project {created.project_id}:")
    console.print(f"\n  [bold]{created.secret}[/]\n")
    console.print("[yellow]Copy it now: it will not be shown again.[/]")


@app.command("list")
def list_(
    project: ProjectOption = None, data_dir: DataDir = None, json_output: JsonOutput = False
) -> None:
    """List a project's keys, masked."""
    settings = settings_from(data_dir=data_dir)
    with open_session(settings) as session:
        project_id = _project_id(project, session)
        keys = list_keys(session, project_id)
    if json_output:
        print(
            json.dumps(
                [
                    {
                        "id": str(k.id),
                        "name": k.name,
                        "key": k.masked,
                        "status": k.status,
                        "created_at": k.created_at.isoformat(),
                        "last_used_at": k.last_used_at.isoformat() if k.last_used_at else None,
                    }
                    for k in keys
                ]
            )
        )
        return
    table = Table(title=f"API keys of project {project_id}")
    for column in ("id", "name", "key", "status", "created", "last used"):
        table.add_column(column)
    for k in keys:
        table.add_row(
            str(k.id),
            k.name,
            k.masked,
            k.status,
            k.created_at.strftime("%Y-%m-%d %H:%M"),
            k.last_used_at.strftime("%Y-%m-%d %H:%M") if k.last_used_at else "never",
        )
    console.print(table)


@app.command("revoke")
def revoke(
    key_id: Annotated[str, typer.Argument(help="The id of the key (see `zgpu keys list`).")],
    data_dir: DataDir = None,
) -> None:
    """Revoke a key: immediate and permanent."""
    settings = settings_from(data_dir=data_dir)
    try:
        parsed = uuid.UUID(key_id)
    except ValueError:
        raise typer.BadParameter(f"not a key id: {key_id!r}", param_hint="KEY_ID") from None
    try:
        with open_session(settings) as session:
            revoke_key(session, parsed)
    except PlatformError as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(1) from None
    console.print(f"Revoked key {parsed}.")

"""``zgpu projects list|create``."""

from __future__ import annotations

import json
import uuid
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from zgpu.cli.database import open_session
from zgpu.cli.options import DataDir, JsonOutput, settings_from
from zgpu.platform.accounts import list_organizations
from zgpu.platform.errors import PlatformError
from zgpu.platform.projects import create_project, list_projects

app = typer.Typer(help="List and create projects.", no_args_is_help=True)
console = Console()


@app.command("list")
def list_(data_dir: DataDir = None, json_output: JsonOutput = False) -> None:
    """List every project with its id, environment and status."""
    settings = settings_from(data_dir=data_dir)
    with open_session(settings) as session:
        rows = [
            {
                "id": str(p.id),
                "organization_id": str(p.organization_id),
                "name": p.name,
                "environment": p.environment,
                "status": "archived" if p.archived_at else "active",
                "created_at": p.created_at.isoformat(),
            }
            for p in list_projects(session)
        ]
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


@app.command("create")
def create(
    name: Annotated[str, typer.Argument(help="The project's name.")],
    environment: Annotated[
        str, typer.Option(help="development, staging or production.")
    ] = "development",
    organization: Annotated[
        str | None, typer.Option(help="Organization id; the first one when omitted.")
    ] = None,
    data_dir: DataDir = None,
    json_output: JsonOutput = False,
) -> None:
    """Create a project in an organization."""
    settings = settings_from(data_dir=data_dir)
    try:
        with open_session(settings) as session:
            if organization is None:
                orgs = list_organizations(session)
                if not orgs:
                    raise typer.BadParameter("no organization exists yet; run `zgpu serve` once")
                org_id = orgs[0].id
            else:
                org_id = uuid.UUID(organization)
            project = create_project(session, org_id, name, environment=environment)
            result = {"id": str(project.id), "name": project.name, "environment": environment}
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    except PlatformError as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(1) from None
    if json_output:
        print(json.dumps(result))
    else:
        console.print(f"Created project [bold]{result['name']}[/] ({result['id']}).")

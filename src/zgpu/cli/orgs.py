"""``zgpu orgs list|create|switch``: the organizations of the signed-in user."""

from __future__ import annotations

import json
from typing import Annotated

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
from zgpu.cli.credentials import load_login, save_login
from zgpu.cli.options import JsonOutput

app = typer.Typer(help="List, create and switch organizations.", no_args_is_help=True)
console = Console()


def _client(server: str | None, admin_key: str | None = None) -> ManagementClient:
    client = remote_client(server, None, admin_key)
    if client is None:
        raise typer.BadParameter("sign in first with `zgpu login --server URL`")
    return client


@app.command("list")
def list_(
    server: ServerOption = None, admin_key: AdminKeyOption = None, json_output: JsonOutput = False
) -> None:
    """List your organizations and your role in each (* marks the current one)."""
    client = _client(server, admin_key)
    try:
        orgs = client.request("GET", "/v1/organizations?limit=100")["data"]
    except (ManagementError, httpx.HTTPError) as exc:
        raise fail(exc) from None
    if json_output:
        print(json.dumps(orgs))
        return
    table = Table(title=f"Organizations on {client.server}")
    for column in ("", "id", "name", "role"):
        table.add_column(column)
    for org in orgs:
        mark = "*" if org["id"] == client.organization_id else ""
        table.add_row(mark, org["id"], org["name"], org["role"])
    console.print(table)


@app.command("create")
def create(
    name: Annotated[str, typer.Argument(help="The organization's name.")],
    server: ServerOption = None,
    json_output: JsonOutput = False,
) -> None:
    """Create an organization you own (with a default project)."""
    client = _client(server)
    try:
        org = client.request("POST", "/v1/organizations", {"name": name})
    except (ManagementError, httpx.HTTPError) as exc:
        raise fail(exc) from None
    if json_output:
        print(json.dumps(org))
    else:
        console.print(f"Created organization [bold]{org['name']}[/] ({org['id']}).")


@app.command("switch")
def switch(
    organization_id: Annotated[str, typer.Argument(help="The organization to act in.")],
    server: ServerOption = None,
) -> None:
    """Make later commands act in this organization."""
    client = _client(server)
    try:
        orgs = client.request("GET", "/v1/organizations?limit=100")["data"]
    except (ManagementError, httpx.HTTPError) as exc:
        raise fail(exc) from None
    if organization_id not in {org["id"] for org in orgs}:
        raise typer.BadParameter(f"you are not in organization {organization_id}")
    login = load_login(client.server)
    if login is None:
        raise typer.BadParameter("switching needs a `zgpu login` session")
    login.organization_id = organization_id
    save_login(client.server, login)
    console.print(f"Now acting in organization {organization_id}.")

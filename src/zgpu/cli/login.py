"""``zgpu login`` and ``zgpu logout``: a session per server, kept in the credentials file."""

from __future__ import annotations

import contextlib
import sys
from typing import Annotated

import httpx
import typer
from rich.console import Console

from zgpu.cli.client import ManagementClient, ManagementError, fail
from zgpu.cli.credentials import (
    ServerLogin,
    current_server,
    forget_login,
    load_login,
    normalize_server,
    save_login,
)

console = Console()


def login(
    server: Annotated[str, typer.Option("--server", help="The ZeroGPU server URL.")],
    email: Annotated[str | None, typer.Option(help="Your email (prompted when omitted).")] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Sign in to a server and remember the session for later commands."""
    server = normalize_server(server)
    address = email or typer.prompt("Email")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("Password", hide_input=True)
    try:
        with httpx.Client(base_url=server, timeout=30) as http:
            response = http.post("/v1/auth/login", json={"email": address, "password": password})
    except httpx.HTTPError as exc:
        raise fail(exc) from None
    if response.status_code != 200:
        try:
            message = response.json()["error"]["message"]
        except (ValueError, KeyError, TypeError):
            message = response.text[:200]
        raise fail(ManagementError(response.status_code, message))
    session = response.json()
    orgs = session["organizations"]
    save_login(
        server,
        ServerLogin(
            session=response.cookies["zgpu_session"],
            csrf=session["csrf_token"],
            email=session["user"]["email"],
            organization_id=orgs[0]["id"] if orgs else None,
        ),
    )
    console.print(f"Signed in to {server} as [bold]{session['user']['email']}[/].")


def logout(
    server: Annotated[
        str | None, typer.Option("--server", help="The server; the current one when omitted.")
    ] = None,
) -> None:
    """End the session on the server and forget it here."""
    target = server or current_server()
    if target is None:
        console.print("Not signed in.")
        return
    stored = load_login(target)
    if stored is not None:
        client = ManagementClient(
            normalize_server(target), session=stored.session, csrf=stored.csrf
        )
        # The session may already be over; forgetting it here is what matters.
        with contextlib.suppress(ManagementError, httpx.HTTPError):
            client.request("POST", "/v1/auth/logout")
    forget_login(target)
    console.print(f"Signed out of {normalize_server(target)}.")

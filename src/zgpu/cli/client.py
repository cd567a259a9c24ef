"""A thin client of the management API for the command line.

Commands run in one of two modes. **Local** (``--data-dir`` given, or nothing else
configured): they open the database directly, as the operator. **Remote** (``--server URL``
given, or ``ZGPU_ADMIN_KEY`` set, or a ``zgpu login`` stored): they call the management API with
the stored session (and its CSRF token) or the admin key.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer

from zgpu.cli.credentials import current_server, load_login, normalize_server

ServerOption = Annotated[
    str | None, typer.Option("--server", help="The ZeroGPU server URL (remote mode).")
]
AdminKeyOption = Annotated[
    str | None,
    typer.Option(
        "--admin-key", envvar="ZGPU_ADMIN_KEY", show_envvar=True, help="An organization admin key."
    ),
]


class ManagementError(Exception):
    """The server refused a request: ``status`` and the envelope's message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{message} (HTTP {status})")
        self.status = status
        self.message = message


@dataclass
class ManagementClient:
    """Calls the management API with a session cookie or an admin key."""

    server: str
    session: str | None = None
    csrf: str | None = None
    admin_key: str | None = None
    organization_id: str | None = None

    def request(self, method: str, path: str, json: Any = None) -> Any:
        """Send a request and return the decoded JSON; raises ``ManagementError`` on 4xx/5xx
        and ``httpx.HTTPError`` when the server cannot be reached."""
        headers: dict[str, str] = {}
        cookies: dict[str, str] = {}
        if self.admin_key:
            headers["authorization"] = f"Bearer {self.admin_key}"
        elif self.session:
            cookies["zgpu_session"] = self.session
            if self.csrf:
                headers["x-csrf-token"] = self.csrf
        if self.organization_id:
            headers["x-organization-id"] = self.organization_id
        with httpx.Client(base_url=self.server, timeout=30, cookies=cookies) as http:
            response = http.request(method, path, json=json, headers=headers)
        if response.status_code >= 400:
            try:
                message = str(response.json()["error"]["message"])
            except (ValueError, KeyError, TypeError):
                message = response.text[:200]
            raise ManagementError(response.status_code, message)
        return response.json() if response.content else None


def remote_client(
    server: str | None, data_dir: Path | None, admin_key: str | None = None
) -> ManagementClient | None:
    """The client for remote mode, or ``None`` for local mode (see the module doc)."""
    if server is None and data_dir is not None:
        return None
    target = server or current_server()
    if target is None:
        if admin_key:
            raise typer.BadParameter("an admin key needs --server URL", param_hint="--server")
        return None
    target = normalize_server(target)
    if admin_key:
        return ManagementClient(target, admin_key=admin_key)
    login = load_login(target)
    if login is None:
        raise typer.BadParameter(
            f"not signed in to {target}: run `zgpu login --server {target}`", param_hint="--server"
        )
    return ManagementClient(
        target, session=login.session, csrf=login.csrf, organization_id=login.organization_id
    )


def fail(exc: Exception) -> typer.Exit:
    """Print a remote error and return the exit to raise."""
    typer.secho(str(exc), fg="red", err=True)
    return typer.Exit(1)

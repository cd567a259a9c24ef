"""Callers of the management API: users with a session, admin keys, inference keys, nobody."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.integration.management.live import Live

_counter = itertools.count()
PASSWORD = "Tr0ub4dor&3-horse-staple"


def unique_email(prefix: str) -> str:
    """A fresh address."""
    return f"{prefix}-{next(_counter)}-{uuid.uuid4().hex[:6]}@example.com"


@dataclass
class Actor:
    """A caller: an httpx client (cookies kept) plus the headers it always sends."""

    name: str
    client: httpx.Client
    headers: dict[str, str] = field(default_factory=dict)
    user_id: str | None = None
    email: str | None = None
    csrf: str | None = None
    secrets: list[str] = field(default_factory=list)

    def request(
        self, method: str, path: str, org: str | None = None, json: Any = None
    ) -> httpx.Response:
        """Send a request, with the CSRF token for cookie sessions and the organization."""
        headers = dict(self.headers)
        if self.csrf is not None:
            headers["x-csrf-token"] = self.csrf
        if org is not None:
            headers["x-organization-id"] = org
        return self.client.request(method, path, headers=headers, json=json)


def signup(
    live: Live, name: str, organization_name: str | None = None
) -> tuple[Actor, dict[str, Any]]:
    """Sign up a new user; returns the signed-in actor and the session object."""
    email = unique_email(name)
    client = live.client()
    body: dict[str, Any] = {"email": email, "password": PASSWORD, "name": name.title()}
    if organization_name:
        body["organization_name"] = organization_name
    response = client.post("/v1/auth/signup", json=body)
    assert response.status_code == 201, response.text
    session = response.json()
    actor = Actor(
        name,
        client,
        user_id=session["user"]["id"],
        email=email,
        csrf=session["csrf_token"],
        secrets=[client.cookies["zgpu_session"]],
    )
    return actor, session


def key_actor(live: Live, name: str, secret: str) -> Actor:
    """A caller presenting ``secret`` as a bearer token."""
    return Actor(name, live.client(), headers={"authorization": f"Bearer {secret}"})


def anonymous(live: Live) -> Actor:
    """A caller with no credentials."""
    return Actor("none", live.client())

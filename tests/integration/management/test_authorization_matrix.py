"""Every management endpoint × every caller × own/other organization answers as docs/roles.md says.

The expected answers are not written here: they come from the endpoint table of docs/roles.md
and the role table (``ROLE_PERMISSIONS``, which another test keeps equal to the doc). For each
endpoint the test calls it as owner, admin, member, viewer, admin key, an inference key and
nobody, in the caller's own organization, with another organization named in the header, and
(for endpoints addressing an object) with another organization's object id. Each call that
succeeds acts on a fresh object, so calls do not depend on each other.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.integration.management.actors import Actor, anonymous, key_actor, signup
from tests.integration.management.live import Live
from zgpu.platform.authz import Permission, Role, allows

DOC = Path(__file__).parents[3] / "docs" / "roles.md"
ACTORS = ("owner", "admin", "member", "viewer", "admin_key", "inference_key", "none")
_names = itertools.count()


def doc_endpoints() -> list[tuple[str, str, str, str]]:
    """(method, path, operation id, needs) rows of the doc's endpoint table."""
    block = DOC.read_text().split("<!-- endpoints:start -->")[1].split("<!-- endpoints:end -->")[0]
    rows = []
    for line in block.strip().splitlines()[2:]:
        method, path, operation, needs = (c.strip() for c in line.strip("|").split("|"))
        rows.append((method, path, operation, needs))
    return rows


ENDPOINTS = doc_endpoints()


@dataclass
class World:
    """Two organizations and their objects, plus every caller of organization A."""

    live: Live
    actors: dict[str, Actor]
    org_a: str
    org_b: str
    project_a: str
    spare_project_a: str
    project_b: str
    key_b: str
    admin_key_b: str
    user_b: str
    target_member: str  # a member of A whose role the matrix changes
    request_a: str = ""  # a request logged in A's project
    request_b: str = ""  # and one in B's
    node_a: str = ""  # an edge node enrolled in A
    node_b: str = ""  # and one in B

    def fresh_node_id(self) -> str:
        return enrolled_node(self.live, self.owner, self.org_a)

    @property
    def owner(self) -> Actor:
        return self.actors["owner"]

    def fresh_user_email(self) -> str:
        actor, _ = signup(self.live, f"pool{next(_names)}")
        assert actor.email is not None
        return actor.email

    def fresh_member_id(self) -> str:
        email = self.fresh_user_email()
        response = self.owner.request(
            "POST", "/v1/organization/users", self.org_a, {"email": email, "role": "member"}
        )
        assert response.status_code == 201, response.text
        user_id: str = response.json()["id"]
        return user_id

    def fresh_key_id(self) -> str:
        path = f"/v1/organization/projects/{self.project_a}/api_keys"
        response = self.owner.request("POST", path, self.org_a, {"name": "to revoke"})
        assert response.status_code == 201, response.text
        key_id: str = response.json()["id"]
        return key_id

    def fresh_admin_key_id(self) -> str:
        response = self.owner.request(
            "POST", "/v1/organization/admin_api_keys", self.org_a, {"name": "to revoke"}
        )
        assert response.status_code == 201, response.text
        key_id: str = response.json()["id"]
        return key_id


@pytest.fixture(scope="module")
def world(live: Live) -> World:
    owner, session = signup(live, "owner", "Org A")
    org_a = session["organizations"][0]["id"]
    actors = {"owner": owner}
    for role in ("admin", "member", "viewer"):
        actor, _ = signup(live, role)
        response = owner.request(
            "POST", "/v1/organization/users", org_a, {"email": actor.email, "role": role}
        )
        assert response.status_code == 201, response.text
        actors[role] = actor
    projects = owner.request("GET", "/v1/organization/projects", org_a).json()["data"]
    project_a = projects[0]["id"]
    spare = owner.request(
        "POST", "/v1/organization/projects", org_a, {"name": "Spare", "environment": "staging"}
    ).json()["id"]
    admin_key = owner.request(
        "POST", "/v1/organization/admin_api_keys", org_a, {"name": "automation"}
    ).json()["value"]
    inference_key = owner.request(
        "POST", f"/v1/organization/projects/{project_a}/api_keys", org_a, {"name": "inference"}
    ).json()["value"]
    actors["admin_key"] = key_actor(live, "admin_key", admin_key)
    actors["inference_key"] = key_actor(live, "inference_key", inference_key)
    actors["none"] = anonymous(live)

    owner_b, session_b = signup(live, "ownerb", "Org B")
    org_b = session_b["organizations"][0]["id"]
    project_b = owner_b.request("GET", "/v1/organization/projects", org_b).json()["data"][0]["id"]
    key_b = owner_b.request(
        "POST", f"/v1/organization/projects/{project_b}/api_keys", org_b, {"name": "b"}
    ).json()["id"]
    admin_key_b = owner_b.request(
        "POST", "/v1/organization/admin_api_keys", org_b, {"name": "b"}
    ).json()["id"]
    inference_key_b = owner_b.request(
        "POST", f"/v1/organization/projects/{project_b}/api_keys", org_b, {"name": "b2"}
    ).json()["value"]
    world = World(
        live,
        actors,
        org_a,
        org_b,
        project_a,
        spare,
        project_b,
        key_b,
        admin_key_b,
        user_b=str(owner_b.user_id),
        target_member="",
        request_a=logged_request(live, inference_key),
        request_b=logged_request(live, inference_key_b),
    )
    world.target_member = world.fresh_member_id()
    world.node_a = world.fresh_node_id()
    world.node_b = enrolled_node(live, owner_b, org_b)
    return world


def enrolled_node(live: Live, owner: Actor, org: str) -> str:
    """The id of a node enrolled in ``org`` with a token its owner created."""
    created = owner.request("POST", "/v1/organization/nodes/tokens", org, {"name": "matrix"})
    assert created.status_code == 201, created.text
    response = live.client().post("/v1/nodes/enroll", json={"token": created.json()["token"]})
    assert response.status_code == 201, response.text
    node_id: str = response.json()["node_id"]
    return node_id


# --- what each endpoint is called with -----------------------------------------------------

Params = dict[str, str]
Body = Callable[[World], Any]


def _own_params(world: World, operation: str) -> Params:
    """Path parameters naming fresh or existing objects of organization A."""
    params: Params = {"project_id": world.project_a, "request_id": world.request_a}
    if operation in ("updateProject", "archiveProject", "restoreProject"):
        params["project_id"] = world.spare_project_a
    if operation == "getOrganizationUser" or operation == "updateOrganizationUser":
        params["user_id"] = world.target_member
    elif operation == "removeOrganizationUser":
        params["user_id"] = world.fresh_member_id()
    elif operation == "getApiKey" or operation == "revokeApiKey":
        params["key_id"] = world.fresh_key_id()
    elif operation in ("getAdminApiKey", "revokeAdminApiKey"):
        params["admin_key"] = world.fresh_admin_key_id()
    elif operation == "getNode":
        params["node_id"] = world.node_a
    elif operation == "revokeNode":
        params["node_id"] = world.fresh_node_id()
    return params


def _foreign_params(world: World) -> Params:
    """Path parameters naming organization B's objects."""
    return {
        "project_id": world.project_b,
        "user_id": world.user_b,
        "key_id": world.key_b,
        "admin_key": world.admin_key_b,
        "request_id": world.request_b,
        "node_id": world.node_b,
    }


BODIES: dict[str, Body] = {
    "createOrganization": lambda w: {"name": f"New org {next(_names)}"},
    "updateOrganization": lambda w: {"name": "Org A"},
    "addOrganizationUser": lambda w: {"email": w.fresh_user_email(), "role": "member"},
    "updateOrganizationUser": lambda w: {"role": "member"},
    "createProject": lambda w: {"name": f"Project {next(_names)}"},
    "updateProject": lambda w: {"environment": "staging"},
    "createApiKey": lambda w: {"name": "matrix"},
    "createAdminApiKey": lambda w: {"name": "matrix"},
    "createNodeToken": lambda w: {"name": "matrix", "ttl_hours": 1},
}

SUCCESS = {"POST": 201, "GET": 200, "PATCH": 200, "DELETE": 200}
NOT_CREATING = {"logout", "archiveProject", "restoreProject", "revokeNode"}


def logged_request(live: Live, inference_key: str) -> str:
    """The id of a request logged to the key's project (a 400 is logged like any answer)."""
    response = live.client().post(
        "/v1/responses",
        json={"model": "no-such-model", "input": "hello"},
        headers={"x-api-key": inference_key},
    )
    assert response.status_code == 400, response.text
    return response.headers["x-request-id"]


def _path(template: str, params: Params) -> str:
    path = template.replace("admin_api_keys/{key_id}", "admin_api_keys/{admin_key}")
    return re.sub(r"\{(\w+)\}", lambda m: params[m.group(1)], path)


def expected(needs: str, actor: str, scope: str, method: str, operation: str) -> int:
    """The documented answer (docs/roles.md, "The answer is decided in this order")."""
    if actor in ("none", "inference_key"):
        return 401
    if needs in ("any", "user"):
        if needs == "user" and actor == "admin_key":
            return 403
        return 201 if method == "POST" and operation not in NOT_CREATING else 200
    if scope != "own":
        return 404
    role = Role(actor)
    if not allows(role, Permission(needs)):
        return 403
    if method == "POST" and operation in NOT_CREATING:
        return 200
    return SUCCESS[method]


def _scopes(needs: str, path: str) -> list[str]:
    if needs in ("any", "user"):
        return ["own"]
    return ["own", "other_org", "foreign_id"] if "{" in path else ["own", "other_org"]


def _call(world: World, actor_name: str, method: str, path: str, operation: str, scope: str) -> int:
    actor = world.actors[actor_name]
    if operation == "logout" and actor.csrf is not None:
        actor = _fresh_session(world, actor)
    params = _foreign_params(world) if scope == "foreign_id" else _own_params(world, operation)
    org: str | None = world.org_b if scope == "other_org" else world.org_a
    if actor_name == "admin_key" and scope == "own":
        org = None  # an admin key acts in its own organization without naming it
    body = BODIES[operation](world) if operation in BODIES else None
    return actor.request(method, _path(path, params), org, body).status_code


def _fresh_session(world: World, actor: Actor) -> Actor:
    """A second session of the same user, so signing out does not end the shared one."""
    client = world.live.client()
    response = client.post(
        "/v1/auth/login", json={"email": actor.email, "password": "Tr0ub4dor&3-horse-staple"}
    )
    assert response.status_code == 200, response.text
    return Actor(actor.name, client, csrf=response.json()["csrf_token"])


@pytest.mark.parametrize(
    ("method", "path", "operation", "needs"), ENDPOINTS, ids=[row[2] for row in ENDPOINTS]
)
def test_endpoint_answers_every_caller_as_documented(
    world: World, method: str, path: str, operation: str, needs: str
) -> None:
    wrong = []
    for actor in ACTORS:
        for scope in _scopes(needs, path):
            want = expected(needs, actor, scope, method, operation)
            got = _call(world, actor, method, path, operation, scope)
            if got != want:
                wrong.append(f"{actor:>13} {scope:>10}: got {got}, documented {want}")
    assert not wrong, f"{method} {path}\n" + "\n".join(wrong)


def test_the_doc_lists_every_management_operation(live: Live) -> None:
    from zgpu.api.management import (
        routes_admin_keys,
        routes_api_keys,
        routes_auth,
        routes_logs,
        routes_nodes,
        routes_org_nodes,
        routes_organizations,
        routes_projects,
        routes_usage,
    )

    modules = (routes_auth, routes_organizations, routes_projects, routes_api_keys,
               routes_admin_keys, routes_logs, routes_usage, routes_org_nodes,
               routes_nodes)  # fmt: skip
    served = {
        (method, route.path, route.operation_id)
        for module in modules
        for route in module.router.routes
        for method in getattr(route, "methods", ())
    }
    documented = {(m, p, o) for m, p, o, _ in ENDPOINTS}
    open_routes = {
        ("POST", "/v1/auth/signup", "signup"),
        ("POST", "/v1/auth/login", "login"),
        ("POST", "/v1/nodes/enroll", "enrollNode"),
        ("POST", "/v1/nodes/session", "startNodeSession"),
    }
    assert served == documented | open_routes
    spec = live.client().get("/openapi.json").json()
    operation_ids = {op["operationId"] for item in spec["paths"].values() for op in item.values()}
    assert {o for _, _, o in documented} <= operation_ids

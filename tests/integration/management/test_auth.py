"""Sign-up, sign-in and sessions on a real gateway: password rules, brute-force limits, CSRF,
cookies, key separation, revocation, and that no secret ever reaches a response or a log."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import delete

from tests.integration.management.actors import PASSWORD, key_actor, signup, unique_email
from tests.integration.management.live import Live
from zgpu.platform.signin_limits import SigninAttempt, SigninLimits


def _error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    return error


@pytest.fixture
def clean_limits(live: Live) -> Any:
    """Forget failed sign-ins before and after the test (every client here is 127.0.0.1)."""

    def clear() -> None:
        with live.gateway.database.session() as session:
            session.execute(delete(SigninAttempt))

    clear()
    yield
    clear()
    live.gateway.signin_limits = SigninLimits()


@pytest.mark.parametrize(
    ("password", "rule"),
    [
        ("short1!", "at least 10 characters"),
        ("password123", "too common"),
        ("{local}-secret-2024", "must not contain your email"),
    ],
)
def test_weak_passwords_are_refused_naming_the_field(live: Live, password: str, rule: str) -> None:
    email = unique_email("weak")
    body = {"email": email, "password": password.format(local=email.split("@")[0]), "name": "W"}
    error = _error(live.client().post("/v1/auth/signup", json=body), 400)
    assert error["param"] == "password"
    assert error["code"] == "weak_password"
    assert rule in error["message"]


def test_management_requests_reject_unknown_fields(live: Live) -> None:
    body = {"email": unique_email("x"), "password": PASSWORD, "name": "X", "admin": True}
    error = _error(live.client().post("/v1/auth/signup", json=body), 400)
    assert error["param"] == "admin"


def test_duplicate_email_conflicts_case_insensitively(live: Live) -> None:
    actor, _ = signup(live, "dup")
    assert actor.email is not None
    body = {"email": actor.email.upper(), "password": PASSWORD, "name": "Dup"}
    assert _error(live.client().post("/v1/auth/signup", json=body), 409)["param"] == "email"


def test_session_cookie_flags_and_csrf_token(live: Live) -> None:
    client = live.client()
    body = {"email": unique_email("c"), "password": PASSWORD, "name": "C"}
    response = client.post("/v1/auth/signup", json=body)
    cookies = {c.split("=")[0]: c.lower() for c in response.headers.get_list("set-cookie")}
    assert "httponly" in cookies["zgpu_session"]
    assert "samesite=lax" in cookies["zgpu_session"]
    assert "httponly" not in cookies["zgpu_csrf"]
    assert "samesite=lax" in cookies["zgpu_csrf"]
    assert "secure" not in cookies["zgpu_session"]  # plain http here
    assert client.cookies["zgpu_csrf"] == response.json()["csrf_token"]
    https = live.client().post(
        "/v1/auth/login",
        json={"email": body["email"], "password": PASSWORD},
        headers={"x-forwarded-proto": "https"},  # uvicorn trusts a proxy on 127.0.0.1
    )
    assert https.status_code == 200
    assert all("; secure" in c.lower() for c in https.headers.get_list("set-cookie"))


def test_csrf_is_enforced_on_state_changes(live: Live) -> None:
    actor, session = signup(live, "csrf")
    org = session["organizations"][0]["id"]
    path = "/v1/organization/projects"
    assert actor.client.get(path, headers={"x-organization-id": org}).status_code == 200
    for headers in ({}, {"x-csrf-token": "not-the-token"}):
        response = actor.client.post(
            path, json={"name": "P"}, headers={"x-organization-id": org, **headers}
        )
        error = _error(response, 403)
        assert error["code"] == "csrf_token_invalid"
    assert actor.request("POST", path, org, {"name": "P"}).status_code == 201
    assert actor.client.get("/v1/auth/session").json()["csrf_token"] == actor.csrf


def test_logout_ends_the_session(live: Live) -> None:
    actor, _ = signup(live, "bye")
    assert actor.request("POST", "/v1/auth/logout").status_code == 200
    assert "zgpu_session" not in actor.client.cookies
    stale = live.client(cookies={"zgpu_session": actor.secrets[0]})
    assert _error(stale.get("/v1/auth/session"), 401)["code"] == "session_expired"


def test_account_brute_force_is_slowed(live: Live, clean_limits: None) -> None:
    actor, _ = signup(live, "target")
    client = live.client()
    wrong = {"email": actor.email, "password": "wrong-password-42"}
    for _ in range(5):
        assert _error(client.post("/v1/auth/login", json=wrong), 401)["code"] == (
            "invalid_credentials"
        )
    right = {"email": actor.email, "password": PASSWORD}
    limited = client.post("/v1/auth/login", json=right)  # even the right password waits
    error = _error(limited, 429)
    assert error["code"] == "too_many_signin_attempts"
    assert 1 <= int(limited.headers["retry-after"]) <= 15 * 60


def test_address_brute_force_is_slowed(live: Live, clean_limits: None) -> None:
    live.gateway.signin_limits = SigninLimits(per_account=100, per_ip=4)
    client = live.client()
    for i in range(4):
        body = {"email": unique_email(f"spray{i}"), "password": "wrong-password-42"}
        assert client.post("/v1/auth/login", json=body).status_code == 401
    body = {"email": unique_email("spray"), "password": "wrong-password-42"}
    limited = client.post("/v1/auth/login", json=body)
    assert _error(limited, 429)["code"] == "too_many_signin_attempts"
    assert int(limited.headers["retry-after"]) >= 1


def test_keys_stay_on_their_side(live: Live) -> None:
    owner, session = signup(live, "keys")
    org = session["organizations"][0]["id"]
    project = owner.request("GET", "/v1/organization/projects", org).json()["data"][0]["id"]
    keys_path = f"/v1/organization/projects/{project}/api_keys"
    api_key = owner.request("POST", keys_path, org, {"name": "k"}).json()
    admin_key = owner.request("POST", "/v1/organization/admin_api_keys", org, {"name": "a"}).json()

    error = _error(key_actor(live, "i", api_key["value"]).request("GET", keys_path), 401)
    assert error["code"] == "api_key_not_allowed"
    assert "inference only" in error["message"]

    inference = {"model": "no-such-model", "input": "hi"}
    as_admin = live.client().post(
        "/v1/responses", json=inference, headers={"x-api-key": admin_key["value"]}
    )
    assert as_admin.status_code == 401
    as_api = live.client().post(
        "/v1/responses", json=inference, headers={"x-api-key": api_key["value"]}
    )
    assert as_api.status_code == 400  # authenticated; the model is what is wrong

    revoked = owner.request("DELETE", f"{keys_path}/{api_key['id']}", org)
    assert revoked.json() == {
        "object": "organization.project.api_key.deleted",
        "id": api_key["id"],
        "deleted": True,
    }
    again = live.client().post(
        "/v1/responses", json=inference, headers={"x-api-key": api_key["value"]}
    )
    assert again.status_code == 401  # at once in this gateway: its cache entry was evicted
    listed = owner.request("GET", keys_path, org).json()["data"]
    (row,) = [k for k in listed if k["id"] == api_key["id"]]
    assert row["status"] == "revoked"
    assert row["created_by"] == owner.user_id
    assert row["redacted_value"] == api_key["redacted_value"] != api_key["value"]

    automation = key_actor(live, "a", admin_key["value"])
    assert automation.request("GET", "/v1/organization").status_code == 200
    owner.request("DELETE", f"/v1/organization/admin_api_keys/{admin_key['id']}", org)
    assert _error(automation.request("GET", "/v1/organization"), 401)["code"] == (
        "invalid_admin_key"
    )


def test_an_organization_keeps_an_owner(live: Live) -> None:
    owner, session = signup(live, "solo")
    org = session["organizations"][0]["id"]
    path = f"/v1/organization/users/{owner.user_id}"
    assert _error(owner.request("PATCH", path, org, {"role": "admin"}), 409)["code"] == "last_owner"
    assert _error(owner.request("DELETE", path, org), 409)["code"] == "last_owner"
    other, _ = signup(live, "second")
    owner.request("POST", "/v1/organization/users", org, {"email": other.email, "role": "owner"})
    assert owner.request("PATCH", path, org, {"role": "admin"}).json()["role"] == "admin"
    # now an admin: may not touch the remaining owner
    other_path = f"/v1/organization/users/{other.user_id}"
    assert owner.request("DELETE", other_path, org).status_code == 403


def test_projects_rename_archive_restore(live: Live) -> None:
    owner, session = signup(live, "proj")
    org = session["organizations"][0]["id"]
    made = owner.request("POST", "/v1/organization/projects", org, {"name": "Web"}).json()
    assert made["object"] == "organization.project"
    assert made["environment"] == "development"
    path = f"/v1/organization/projects/{made['id']}"
    renamed = owner.request("PATCH", path, org, {"name": "Site", "environment": "production"})
    assert renamed.json()["name"] == "Site"
    assert renamed.json()["environment"] == "production"
    assert owner.request("POST", f"{path}/archive", org).json()["status"] == "archived"
    listed = owner.request("GET", "/v1/organization/projects", org).json()
    assert made["id"] not in [p["id"] for p in listed["data"]]
    owner.request("POST", "/v1/organization/projects", org, {"name": "Site"})
    assert _error(owner.request("POST", f"{path}/restore", org), 409)["param"] == "name"
    owner.request("PATCH", path, org, {"name": "Site 2"})
    assert owner.request("POST", f"{path}/restore", org).json()["status"] == "active"


def test_pagination_follows_the_cursor(live: Live) -> None:
    owner, session = signup(live, "pages")
    org = session["organizations"][0]["id"]
    for i in range(4):
        owner.request("POST", "/v1/organization/projects", org, {"name": f"P{i}"})
    first = owner.request("GET", "/v1/organization/projects?limit=3", org).json()
    assert first["object"] == "list"
    assert first["has_more"]
    assert len(first["data"]) == 3
    rest = owner.request(
        "GET", f"/v1/organization/projects?limit=3&after={first['last_id']}", org
    ).json()
    assert not rest["has_more"]
    assert len(rest["data"]) == 2
    ids = [p["id"] for p in first["data"] + rest["data"]]
    assert len(set(ids)) == 5


def test_no_secret_or_password_in_any_response_or_log(live: Live) -> None:
    """Runs last in the module: checks everything every test above sent and logged."""
    actor, session = signup(live, "leak")
    org = session["organizations"][0]["id"]
    project = actor.request("GET", "/v1/organization/projects", org).json()["data"][0]["id"]
    created = actor.request(
        "POST", f"/v1/organization/projects/{project}/api_keys", org, {"name": "k"}
    ).json()
    admin = actor.request("POST", "/v1/organization/admin_api_keys", org, {"name": "a"}).json()
    bad = live.client().post(
        "/v1/auth/login", json={"email": actor.email, "password": "Guess-42!x"}
    )
    assert bad.status_code == 401
    secrets = [created["value"], admin["value"], *actor.secrets]
    bodies = live.bodies
    for secret in secrets:
        assert sum(secret in body for body in bodies) <= 1, "a secret was shown twice"
    for password in (PASSWORD, "Guess-42!x", "wrong-password-42"):
        assert not any(password in body for body in bodies)
    logged = "\n".join(live.logs.lines)
    assert logged, "the log capture saw nothing"
    for secret in (*secrets, PASSWORD, "Guess-42!x", "wrong-password-42"):
        assert secret not in logged

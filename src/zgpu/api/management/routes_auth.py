"""``/v1/auth/...``: sign up, sign in, sign out, and the current session."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy.orm import Session

from zgpu.api.body import json_body, openapi_body
from zgpu.api.deps import GatewayDep
from zgpu.api.errors import error_responses
from zgpu.api.gateway import Gateway
from zgpu.api.management.auth import (
    clear_session_cookies,
    cookies_secure,
    set_session_cookies,
)
from zgpu.api.management.deps import PrincipalDep, in_session, require_user
from zgpu.api.management.schemas import (
    Deleted,
    LoginRequest,
    OrganizationObject,
    SessionObject,
    SignupRequest,
    UserObject,
    unix_now,
)
from zgpu.platform.accounts import create_organization, list_user_organizations
from zgpu.platform.billing import grant_welcome_credit
from zgpu.platform.bootstrap import DEFAULT_PROJECT
from zgpu.platform.errors import Unauthenticated
from zgpu.platform.projects import create_project
from zgpu.platform.sessions import NewSession, end_session, start_session
from zgpu.platform.signin_limits import (
    check_signin_allowed,
    clear_account_failures,
    record_failed_signin,
)
from zgpu.platform.users import User, create_user, get_user, verify_credentials

router = APIRouter(prefix="/v1/auth", tags=["auth"])

_BAD_CREDENTIALS = "Incorrect email or password."


def _session_object(
    session: Session, user: User, csrf_token: str, expires_at: int
) -> SessionObject:
    return SessionObject(
        user=UserObject(
            id=str(user.id), email=user.email, name=user.name, created_at=unix_now(user.created_at)
        ),
        organizations=[OrganizationObject.of(o) for o in list_user_organizations(session, user.id)],
        csrf_token=csrf_token,
        expires_at=expires_at,
    )


def _signed_in(
    request: Request, gateway: Gateway, body: SessionObject, new: NewSession, status: int
) -> Response:
    response = Response(body.model_dump_json(), status_code=status, media_type="application/json")
    max_age = int(gateway.session_policy.absolute.total_seconds())
    set_session_cookies(
        response,
        new.token,
        new.csrf_token,
        max_age,
        cookies_secure(request, gateway.secure_cookies),
    )
    return response


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.post(
    "/signup",
    operation_id="signup",
    summary="Create an account",
    status_code=201,
    response_model=SessionObject,
    responses=error_responses(400, 409, 415),
    openapi_extra=openapi_body(SignupRequest),
)
async def signup(
    request: Request,
    gateway: GatewayDep,
    body: Annotated[SignupRequest, Depends(json_body(SignupRequest))],
) -> Response:
    """Create a user, an organization they own with a default project, and sign them in.

    The password must have 10+ characters, not be a common password and not contain the
    email's local part (400, ``param: "password"``). Sets the ``zgpu_session`` (HttpOnly) and
    ``zgpu_csrf`` cookies; the answer carries the CSRF token too.
    """

    def work(session: Session) -> tuple[SessionObject, NewSession]:
        user = create_user(session, gateway.passwords, body.email, body.password, body.name)
        org_name = body.organization_name or f"{user.name}'s organization"
        organization = create_organization(session, org_name, owner_id=user.id)
        create_project(session, organization.id, DEFAULT_PROJECT)
        grant_welcome_credit(session, organization.id, gateway.welcome_credit_micro)
        new = start_session(session, user.id, gateway.session_policy)
        return _session_object(session, user, new.csrf_token, unix_now(new.expires_at)), new

    result, new = await in_session(gateway, work)
    return _signed_in(request, gateway, result, new, 201)


@router.post(
    "/login",
    operation_id="login",
    summary="Sign in",
    response_model=SessionObject,
    responses=error_responses(400, 401, 415, 429),
    openapi_extra=openapi_body(LoginRequest),
)
async def login(
    request: Request,
    gateway: GatewayDep,
    body: Annotated[LoginRequest, Depends(json_body(LoginRequest))],
) -> Response:
    """Sign in with email and password; sets the session cookies.

    After 5 failures for one account, or 20 from one address, within 15 minutes, answers 429
    with ``retry-after`` until the oldest failure is 15 minutes old.
    """
    ip = _client_ip(request)

    def work(session: Session) -> tuple[SessionObject, NewSession] | None:
        check_signin_allowed(session, body.email, ip, gateway.signin_limits)
        user = verify_credentials(session, gateway.passwords, body.email, body.password)
        if user is None:
            record_failed_signin(session, body.email, ip, gateway.signin_limits)
            return None
        clear_account_failures(session, body.email)
        new = start_session(session, user.id, gateway.session_policy)
        return _session_object(session, user, new.csrf_token, unix_now(new.expires_at)), new

    result = await in_session(gateway, work)
    if result is None:
        raise Unauthenticated(_BAD_CREDENTIALS, code="invalid_credentials")
    return _signed_in(request, gateway, result[0], result[1], 200)


@router.post(
    "/logout",
    operation_id="logout",
    summary="Sign out",
    response_model=Deleted,
    responses=error_responses(401, 403),
)
async def logout(request: Request, gateway: GatewayDep, principal: PrincipalDep) -> Response:
    """End the current session (needs the ``x-csrf-token`` header) and clear its cookies."""
    session_id = principal.session_id
    require_user(principal)
    if session_id is None:
        raise Unauthenticated("No session to end.", code="missing_credentials")
    await in_session(gateway, lambda session: end_session(session, session_id))
    body = Deleted(object="auth.session.deleted", id=str(session_id))
    response = Response(body.model_dump_json(), media_type="application/json")
    clear_session_cookies(response, cookies_secure(request, gateway.secure_cookies))
    return response


@router.get(
    "/session",
    operation_id="getSession",
    summary="The current session",
    response_model=SessionObject,
    responses=error_responses(401, 403),
)
async def current_session(gateway: GatewayDep, principal: PrincipalDep) -> SessionObject:
    """Who is signed in, their organizations with roles, and the session's CSRF token."""
    user_id: uuid.UUID = require_user(principal)
    csrf = principal.csrf_token or ""
    expires = unix_now(principal.session_expires_at) if principal.session_expires_at else 0

    def work(session: Session) -> SessionObject:
        return _session_object(session, get_user(session, user_id), csrf, expires)

    return await in_session(gateway, work)

"""Who calls the management API: a signed-in user (session cookie) or an organization admin key.

Credentials, in order:

- ``x-api-key: zgpu-admin-…`` or ``Authorization: Bearer zgpu-admin-…``: an admin key. An
  inference key (``zgpu-api-…``) is refused with 401 ``api_key_not_allowed``: API keys are for
  inference only.
- the ``zgpu_session`` cookie: a server-side session. Requests that change state (POST, PATCH,
  PUT, DELETE) must also send ``x-csrf-token`` equal to the session's CSRF token (returned by
  sign-in and ``GET /v1/auth/session`` and set in the readable ``zgpu_csrf`` cookie); otherwise
  403 ``csrf_token_invalid``. A cross-site page can make the browser send the cookie, but it
  cannot read the token nor set the header.

Anything else is 401. Resolving a principal reads the database on every request, so a revoked
admin key or an ended session stops working at once, in every gateway.
"""

from __future__ import annotations

import hmac
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Final

from sqlalchemy.orm import Session
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import Response

from zgpu.platform.admin_keys import ADMIN_KEY_PREFIX, authenticate_admin_key
from zgpu.platform.authz import Role
from zgpu.platform.errors import Forbidden, Unauthenticated
from zgpu.platform.keys import KEY_PREFIX
from zgpu.platform.memberships import roles_of_user
from zgpu.platform.sessions import SessionPolicy, resolve_session

SESSION_COOKIE: Final = "zgpu_session"
CSRF_COOKIE: Final = "zgpu_csrf"
CSRF_HEADER: Final = "x-csrf-token"
SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated management caller.

    Exactly one of ``user_id`` (signed in with a session) and ``admin_key_id`` is set.
    ``roles`` maps each organization the caller may act in to its role there (an admin key has
    one organization, with ``Role.ADMIN_KEY``).
    """

    user_id: uuid.UUID | None
    admin_key_id: uuid.UUID | None
    roles: Mapping[uuid.UUID, Role] = field(default_factory=lambda: MappingProxyType({}))
    session_id: uuid.UUID | None = None
    csrf_token: str | None = field(default=None, repr=False)
    session_expires_at: datetime | None = None

    @property
    def organization_ids(self) -> tuple[uuid.UUID, ...]:
        """The organizations the caller may act in."""
        return tuple(self.roles)

    @property
    def is_user(self) -> bool:
        """Whether the caller is a signed-in user (not an admin key)."""
        return self.user_id is not None


def presented_key(headers: Headers) -> str | None:
    """The key in ``x-api-key`` or ``Authorization: Bearer``, if any (x-api-key wins)."""
    key = headers.get("x-api-key", "").strip()
    if key:
        return key
    scheme, _, credentials = headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    return None


def principal_from_key(session: Session, key: str) -> Principal:
    """The principal of an admin key secret.

    Raises ``Unauthenticated``: ``api_key_not_allowed`` for an inference key,
    ``invalid_admin_key`` for anything else that is not a live admin key.
    """
    if key.startswith(KEY_PREFIX):
        raise Unauthenticated(
            "API keys are for inference only: the management API takes an admin key "
            f"({ADMIN_KEY_PREFIX}…) or a signed-in session.",
            code="api_key_not_allowed",
        )
    identity = authenticate_admin_key(session, key)
    return Principal(
        user_id=None,
        admin_key_id=identity.key_id,
        roles=MappingProxyType({identity.organization_id: Role.ADMIN_KEY}),
    )


def principal_from_cookie(
    session: Session, token: str, method: str, csrf_header: str | None, policy: SessionPolicy
) -> Principal:
    """The principal of a session token, with the CSRF check for state-changing methods.

    Raises ``Unauthenticated`` for an unknown or expired session and ``Forbidden``
    (``csrf_token_invalid``) when a state-changing request lacks the session's CSRF token.
    """
    active = resolve_session(session, token, policy)
    if method.upper() not in SAFE_METHODS and not (
        csrf_header and hmac.compare_digest(csrf_header.encode(), active.csrf_token.encode())
    ):
        raise Forbidden(
            f"Missing or wrong {CSRF_HEADER} header: send the CSRF token of your session.",
            code="csrf_token_invalid",
            param=CSRF_HEADER,
        )
    return Principal(
        user_id=active.user_id,
        admin_key_id=None,
        roles=MappingProxyType(roles_of_user(session, active.user_id)),
        session_id=active.session_id,
        csrf_token=active.csrf_token,
        session_expires_at=active.expires_at,
    )


def resolve_principal(
    session: Session,
    headers: Headers,
    cookies: Mapping[str, str],
    method: str,
    policy: SessionPolicy,
) -> Principal:
    """The caller of a request (module doc for the rules); raises ``Unauthenticated`` or
    ``Forbidden``."""
    key = presented_key(headers)
    if key is not None:
        return principal_from_key(session, key)
    token = cookies.get(SESSION_COOKIE)
    if token:
        return principal_from_cookie(session, token, method, headers.get(CSRF_HEADER), policy)
    raise Unauthenticated(
        "Sign in (session cookie) or send an admin key in the Authorization header.",
        code="missing_credentials",
    )


def cookies_secure(request: Request, always_secure: bool) -> bool:
    """Whether cookies must be marked ``Secure``: always when configured, else over https."""
    return always_secure or request.url.scheme == "https"


def set_session_cookies(
    response: Response, token: str, csrf_token: str, max_age_s: int, secure: bool
) -> None:
    """Set the HttpOnly session cookie and the readable CSRF cookie (both SameSite=Lax)."""
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=max_age_s,
        path="/",
        secure=secure,
        httponly=True,
        samesite="lax",
    )
    response.set_cookie(
        CSRF_COOKIE,
        csrf_token,
        max_age=max_age_s,
        path="/",
        secure=secure,
        httponly=False,
        samesite="lax",
    )


def clear_session_cookies(response: Response, secure: bool) -> None:
    """Expire both session cookies."""
    response.delete_cookie(SESSION_COOKIE, path="/", secure=secure, httponly=True, samesite="lax")
    response.delete_cookie(CSRF_COOKIE, path="/", secure=secure, httponly=False, samesite="lax")

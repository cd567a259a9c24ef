"""Who is calling: API key from the headers, checked against the project the caller names.

Rules (spec/api-compat.md): ``x-api-key`` carries the key; ``Authorization: Bearer`` is used only
when ``x-api-key`` is absent (the OpenAI SDK sends both, with a dummy bearer). ``x-project-id`` is
optional; when given and non-empty it must be the key's project.
"""

from __future__ import annotations

import uuid

from starlette.datastructures import Headers

from zgpu.platform.errors import InvalidKey, ProjectForbidden
from zgpu.platform.keys import AuthenticatedKey, KeyAuthenticator


def key_from_headers(headers: Headers) -> str:
    """The API key the request carries; raises ``InvalidKey`` when there is none."""
    key = headers.get("x-api-key", "").strip()
    if key:
        return key
    scheme, _, credentials = headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    raise InvalidKey("Missing API key: send it in the x-api-key header.", code="missing_api_key")


async def authenticate(authenticator: KeyAuthenticator, headers: Headers) -> AuthenticatedKey:
    """Resolve the caller's key and check ``x-project-id``.

    Raises ``InvalidKey`` (401) for a missing, unknown or revoked key and ``ProjectForbidden``
    (403) when the named project is not the key's or the project is archived.
    """
    key = await authenticator.authenticate(key_from_headers(headers))
    named = headers.get("x-project-id", "").strip()
    if named:
        try:
            same = uuid.UUID(named) == key.project_id
        except ValueError:
            same = False
        if not same:
            raise ProjectForbidden(
                "The x-project-id header does not name the project this API key belongs to.",
                param="x-project-id",
            )
    if key.project_archived:
        raise ProjectForbidden("This project is archived; restore it to send requests.")
    return key

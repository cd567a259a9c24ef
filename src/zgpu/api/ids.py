"""Public identifiers: ``resp_…`` responses, ``msg_…`` output messages and ``req_…`` requests.

Each id is a fixed prefix followed by 24 characters drawn from the 62 ASCII letters and digits
with the ``secrets`` generator (about 143 bits), so ids are unguessable, URL-safe and need no
coordination between gateways.

The request id of an HTTP request lives in the ASGI scope's ``state`` mapping under
``REQUEST_ID_KEY`` (so ``request.state.request_id`` in a handler); ``request_id_for`` reads it,
creating it when no middleware has assigned one yet.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import MutableMapping
from typing import Any, Final

ID_ALPHABET: Final = string.ascii_letters + string.digits
ID_RANDOM_LENGTH: Final = 24
REQUEST_ID_KEY: Final = "request_id"


def random_id(prefix: str, length: int = ID_RANDOM_LENGTH) -> str:
    """``prefix`` followed by ``length`` random base62 characters."""
    return prefix + "".join(secrets.choice(ID_ALPHABET) for _ in range(length))


def new_response_id() -> str:
    """A fresh Responses object id, ``resp_`` + 24 base62 characters."""
    return random_id("resp_")


def new_message_id() -> str:
    """A fresh output message id, ``msg_`` + 24 base62 characters."""
    return random_id("msg_")


def new_request_id() -> str:
    """A fresh request id, ``req_`` + 24 base62 characters (the ``x-request-id`` header)."""
    return random_id("req_")


def request_id_for(scope: MutableMapping[str, Any]) -> str:
    """The request id stored in ``scope["state"]``, assigning a new one if there is none yet."""
    state: MutableMapping[str, Any] = scope.setdefault("state", {})
    request_id = state.get(REQUEST_ID_KEY)
    if not isinstance(request_id, str):
        request_id = new_request_id()
        state[REQUEST_ID_KEY] = request_id
    return request_id

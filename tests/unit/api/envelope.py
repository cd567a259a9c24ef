"""Assertions on the error envelope shared by the tests of this package."""

from __future__ import annotations

import re
from typing import Any

import httpx

REQUEST_ID = re.compile(r"^req_[A-Za-z0-9]{24}$")


def assert_envelope(
    response: httpx.Response,
    status: int,
    type_: str,
    code: str | None = None,
    param: str | None = None,
) -> dict[str, Any]:
    """The response is exactly the envelope with these values and an ``x-request-id``."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    assert REQUEST_ID.match(response.headers["x-request-id"])
    body = response.json()
    assert set(body) == {"error"}
    error: dict[str, Any] = body["error"]
    assert set(error) == {"message", "type", "code", "param"}
    assert isinstance(error["message"], str)
    assert error["message"]
    assert (error["type"], error["code"], error["param"]) == (type_, code, param)
    return error

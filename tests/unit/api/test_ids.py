"""Public ids: prefix, alphabet, length, uniqueness; the request id stored in the scope."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from zgpu.api.ids import (
    REQUEST_ID_KEY,
    new_message_id,
    new_request_id,
    new_response_id,
    request_id_for,
)


@pytest.mark.parametrize(
    ("make", "prefix"),
    [(new_response_id, "resp_"), (new_message_id, "msg_"), (new_request_id, "req_")],
)
def test_ids_are_prefixed_base62_and_unique(make: Callable[[], str], prefix: str) -> None:
    ids = {make() for _ in range(2000)}
    assert len(ids) == 2000
    assert all(re.fullmatch(re.escape(prefix) + r"[A-Za-z0-9]{24}", i) for i in ids)


def test_request_id_for_assigns_once() -> None:
    scope: dict[str, Any] = {}
    first = request_id_for(scope)
    assert scope["state"][REQUEST_ID_KEY] == first
    assert request_id_for(scope) == first
    assert request_id_for({"state": {REQUEST_ID_KEY: "req_given"}}) == "req_given"

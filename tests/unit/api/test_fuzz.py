"""Whatever a client sends to ``POST /v1/responses``, the answer is never a 5xx."""

from __future__ import annotations

import json
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .envelope import REQUEST_ID

JSON = {"content-type": "application/json"}
FUZZ = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40)
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
messages = st.lists(
    st.fixed_dictionaries(
        {},
        optional={
            "role": st.sampled_from(["user", "system", "assistant", ""]) | json_values,
            "content": st.text(max_size=30)
            | st.lists(
                st.fixed_dictionaries(
                    {},
                    optional={
                        "type": st.sampled_from(["input_text", "text", "input_image"]),
                        "text": st.text(max_size=10) | json_values,
                    },
                ),
                max_size=3,
            )
            | json_values,
        },
    ),
    max_size=3,
)
request_like = st.fixed_dictionaries(
    {},
    optional={
        "model": st.text(max_size=10) | json_values,
        "input": st.text(max_size=30) | messages | json_values,
        "instructions": st.text(max_size=10) | json_values,
        "text": st.fixed_dictionaries(
            {}, optional={"format": st.fixed_dictionaries({}, optional={"type": json_values})}
        )
        | json_values,
        "metadata": st.dictionaries(st.text(max_size=70), st.text(max_size=20), max_size=18)
        | json_values,
        "max_output_tokens": st.integers(min_value=-5, max_value=2**66) | json_values,
    },
)


def check(response: httpx.Response) -> None:
    assert response.status_code < 500, response.text
    assert REQUEST_ID.match(response.headers["x-request-id"])
    if response.status_code != 200:
        assert set(response.json()["error"]) == {"message", "type", "code", "param"}


@FUZZ
@given(body=request_like)
def test_request_shaped_json_is_never_5xx(client: httpx.Client, body: dict[str, Any]) -> None:
    check(client.post("/v1/responses", content=json.dumps(body).encode(), headers=JSON))


@FUZZ
@given(body=json_values)
def test_any_json_value_is_never_5xx(client: httpx.Client, body: Any) -> None:
    check(client.post("/v1/responses", content=json.dumps(body).encode(), headers=JSON))


@FUZZ
@given(raw=st.binary(max_size=300), content_type=st.sampled_from(["application/json", "text/x"]))
def test_any_bytes_are_never_5xx(client: httpx.Client, raw: bytes, content_type: str) -> None:
    check(client.post("/v1/responses", content=raw, headers={"content-type": content_type}))

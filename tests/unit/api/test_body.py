"""``parse_json_body`` on the wire: content-type, UTF-8, JSON, object, schema, through uvicorn."""

from __future__ import annotations

from typing import Any

import httpx
import orjson
import pytest

from zgpu.api.body import check_json_content_type, decode_json_object, openapi_body
from zgpu.api.errors import InvalidRequest, UnsupportedMediaType
from zgpu.api.schemas.responses import CreateResponseRequest

from .envelope import assert_envelope

INVALID = "invalid_request_error"
JSON = {"content-type": "application/json"}


def post(client: httpx.Client, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    content = body if isinstance(body, bytes) else orjson.dumps(body)
    return client.post("/v1/responses", content=content, headers=headers or JSON)


def test_minimal_request_echoes_a_response_object(client: httpx.Client) -> None:
    response = post(client, {"model": "m", "input": "Hello there."})
    assert response.status_code == 200
    body = response.json()
    assert body["object"] == "response"
    assert body["id"].startswith("resp_")
    assert body["created"] == body["created_at"]
    assert body["status"] == "completed"
    assert body["metadata"] == {}
    [message] = body["output"]
    assert message["id"].startswith("msg_")
    assert (message["type"], message["role"], message["status"]) == (
        "message",
        "assistant",
        "completed",
    )
    assert message["content"] == [
        {"type": "output_text", "text": "Hello there.", "annotations": []}
    ]
    assert body["usage"] == {"input_tokens": 2, "output_tokens": 1, "total_tokens": 3}
    assert response.headers["x-request-id"].startswith("req_")


def test_documented_request_with_nulls_and_extras(client: httpx.Client) -> None:
    response = post(
        client,
        {
            "model": "zlm-v1-summary-cloud",
            "input": [
                {"role": "system", "content": "Be brief."},
                {"role": "user", "content": "First."},
                {"role": "user", "content": "   "},
                {"role": "user", "content": "Second."},
            ],
            "text": None,
            "metadata": None,
            "instructions": None,
            "max_output_tokens": None,
            "temperature": 0.2,
            "store": False,
            "stream": None,
        },
        headers={"content-type": "Application/JSON; charset=UTF-8"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["output"][0]["content"][0]["text"] == "First.\n\nSecond."


def test_content_parts_are_flattened(client: httpx.Client) -> None:
    parts = [{"type": "input_text", "text": "One."}, {"type": "input_text", "text": "Two."}]
    response = post(
        client,
        {
            "model": "m",
            "input": [{"type": "message", "role": "user", "content": parts}],
            "text": {"format": {"type": "text"}, "verbosity": "low"},
            "metadata": {"job": "42"},
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["output"][0]["content"][0]["text"] == "One.\n\nTwo."
    assert body["metadata"] == {"job": "42"}


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"input": "x"}, "model"),
        ({"model": "", "input": "x"}, "model"),
        ({"model": 7, "input": "x"}, "model"),
        ({"model": "m"}, "input"),
        ({"model": "m", "input": ""}, "input"),
        ({"model": "m", "input": " \n\t "}, "input"),
        ({"model": "m", "input": []}, "input"),
        ({"model": "m", "input": 12}, "input"),
        ({"model": "m", "input": [{"role": "system", "content": "only rules"}]}, "input"),
        ({"model": "m", "input": [{"role": "assistant", "content": "x"}]}, "input.0.role"),
        ({"model": "m", "input": [{"role": "user"}]}, "input.0.content"),
        ({"model": "m", "input": ["text"]}, "input.0"),
        (
            {"model": "m", "input": [{"role": "user", "content": [{"type": "input_image"}]}]},
            "input.0.content.0.type",
        ),
        (
            {"model": "m", "input": [{"role": "user", "content": [{"type": "input_text"}]}]},
            "input.0.content.0.text",
        ),
        (
            {"model": "m", "input": "x", "text": {"format": {"type": "json_schema"}}},
            "text.format.type",
        ),
        ({"model": "m", "input": "x", "text": {"format": {}}}, "text.format.type"),
        ({"model": "m", "input": "x", "text": "text"}, "text"),
        ({"model": "m", "input": "x", "instructions": 5}, "instructions"),
        ({"model": "m", "input": "x", "max_output_tokens": 0}, "max_output_tokens"),
        ({"model": "m", "input": "x", "max_output_tokens": "10"}, "max_output_tokens"),
        ({"model": "m", "input": "x", "max_output_tokens": True}, "max_output_tokens"),
        ({"model": "m", "input": "x", "max_output_tokens": 1.5}, "max_output_tokens"),
        ({"model": "m", "input": "x", "metadata": {"k": 1}}, "metadata.k"),
        ({"model": "m", "input": "x", "metadata": ["k"]}, "metadata"),
        ({"model": "m", "input": "x", "metadata": {str(i): "v" for i in range(17)}}, "metadata"),
        ({"model": "m", "input": "x", "metadata": {"k" * 65: "v"}}, "metadata"),
        ({"model": "m", "input": "x", "metadata": {"k": "v" * 513}}, "metadata"),
    ],
)
def test_schema_violations_name_the_field(
    client: httpx.Client, body: dict[str, Any], param: str
) -> None:
    error = assert_envelope(post(client, body), 400, INVALID, param=param)
    assert f"'{param}'" in error["message"]


def test_metadata_at_the_limits_is_accepted(client: httpx.Client) -> None:
    metadata = {f"{i:0>64}": "v" * 512 for i in range(16)}
    response = post(client, {"model": "m", "input": "x", "metadata": metadata})
    assert response.status_code == 200, response.text
    assert response.json()["metadata"] == metadata


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        (b"", "empty"),
        (b'{"model": "m", "input": }', "line 1, column 25"),
        (b'{"model": "m",\n "input": "x",}', "line 2"),
        (b'{"model": "m", "input": "x", "n": NaN}', "not valid JSON"),
        (b'{"model": "m", "input": "x", "n": 1e999}', "not valid JSON"),
        (b"[" * 5000 + b"]" * 5000, "not valid JSON"),
        (b'{"model": "m", "input": "\xff\xfe"}', "not valid UTF-8"),
        (b'{"model": "m", "input": "\\ud800"}', "not valid JSON"),
        (b'["model", "input"]', "must be a JSON object, not an array"),
        (b'"text"', "not a string"),
        (b"null", "not null"),
        (b"12", "not a number"),
    ],
)
def test_malformed_bodies_are_400(client: httpx.Client, raw: bytes, fragment: str) -> None:
    error = assert_envelope(post(client, raw), 400, INVALID)
    assert fragment in error["message"]


def test_duplicate_keys_huge_numbers_and_bom(client: httpx.Client) -> None:
    ok = post(client, b'\xef\xbb\xbf{"model": "a", "model": "b", "input": "x"}')
    assert ok.status_code == 200
    assert ok.json()["model"] == "b"
    huge = b'{"model": "m", "input": "x", "max_output_tokens": 123456789012345678901234567890}'
    assert_envelope(post(client, huge), 400, INVALID, param="max_output_tokens")


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"content-type": "text/plain"},
        {"content-type": "application/x-www-form-urlencoded"},
        {"content-type": "application/jsonx"},
        {"content-type": "application/json; charset=latin-1"},
    ],
)
def test_content_type_must_be_json(client: httpx.Client, headers: dict[str, str]) -> None:
    response = client.post(
        "/v1/responses", content=b'{"model": "m", "input": "x"}', headers=headers
    )
    error = assert_envelope(response, 415, INVALID, code="unsupported_media_type")
    assert "application/json" in error["message"]


def test_content_type_rules() -> None:
    check_json_content_type("application/json")
    check_json_content_type('application/json; charset="utf-8"')
    check_json_content_type("application/json;charset=utf8; boundary=x")
    for bad in (
        None,
        "",
        "json",
        "application/json-patch+json",
        "application/json; charset=utf-16",
    ):
        with pytest.raises(UnsupportedMediaType):
            check_json_content_type(bad)


def test_decode_json_object_keeps_the_object() -> None:
    assert decode_json_object(b' {"a": [1, 2.5, null]} ') == {"a": [1, 2.5, None]}
    with pytest.raises(InvalidRequest, match="not valid UTF-8"):
        decode_json_object(b"\xc3\x28")


def test_openapi_body_inlines_the_schema() -> None:
    extra = openapi_body(CreateResponseRequest)
    schema = extra["requestBody"]["content"]["application/json"]["schema"]
    assert extra["requestBody"]["required"] is True
    assert "$defs" not in schema
    text_format = schema["properties"]["text"]["anyOf"][0]["properties"]["format"]
    assert text_format["anyOf"][0]["properties"]["type"]["const"] == "text"

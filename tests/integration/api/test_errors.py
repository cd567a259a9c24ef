"""Every error status over HTTP, with the exact envelope and a request id; bad input is a 4xx
that names the problem, never a 500."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.support.server import Credentials, ServerProcess

SUMMARY = "zlm-v1-summary-cloud"


def _post(
    server: ServerProcess,
    creds: Credentials | None,
    body: bytes | None = None,
    json_body: Any = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    sent = {"content-type": "application/json"}
    if creds is not None:
        sent.update({"x-api-key": creds.key, "x-project-id": creds.project_id})
    sent.update(headers or {})
    return httpx.post(
        f"{server.url}/v1/responses", content=body, json=json_body, headers=sent, timeout=30
    )


def _error(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["x-request-id"].startswith("req_")
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"message", "type", "code", "param"}
    assert isinstance(error["message"], str)
    assert error["message"]
    return dict(error)


def _ok_body(text: str = "A short text about the weather in Paris today.") -> dict[str, Any]:
    return {"model": SUMMARY, "input": [{"role": "user", "content": text}]}


def test_400_invalid_json(server: ServerProcess, creds: Credentials) -> None:
    error = _error(_post(server, creds, body=b'{"model": '), 400)
    assert error["type"] == "invalid_request_error"
    assert "JSON" in error["message"]


def test_400_wrong_type_names_the_field(server: ServerProcess, creds: Credentials) -> None:
    error = _error(_post(server, creds, json_body={"model": SUMMARY, "input": 42}), 400)
    assert error["param"] == "input"


def test_400_bad_role_names_the_nested_field(server: ServerProcess, creds: Credentials) -> None:
    body = {"model": SUMMARY, "input": [{"role": "wizard", "content": "hi"}]}
    error = _error(_post(server, creds, json_body=body), 400)
    assert error["param"] == "input.0.role"


@pytest.mark.parametrize("empty", ["", "   ", []])
def test_400_empty_input(server: ServerProcess, creds: Credentials, empty: Any) -> None:
    error = _error(_post(server, creds, json_body={"model": SUMMARY, "input": empty}), 400)
    assert error["param"] == "input"


def test_400_unknown_model_names_the_valid_ones(server: ServerProcess, creds: Credentials) -> None:
    body = {**_ok_body(), "model": "gpt-9"}
    error = _error(_post(server, creds, json_body=body), 400)
    assert error["param"] == "model"
    assert SUMMARY in error["message"]


def test_400_text_format_type(server: ServerProcess, creds: Credentials) -> None:
    body = {**_ok_body(), "text": {"format": {"type": "json_schema"}}}
    error = _error(_post(server, creds, json_body=body), 400)
    assert error["param"] == "text.format.type"


def test_400_invalid_utf8(server: ServerProcess, creds: Credentials) -> None:
    body = b'{"model": "zlm-v1-summary-cloud", "input": "caf\xe9 \xff"}'
    error = _error(_post(server, creds, body=body), 400)
    assert "UTF-8" in error["message"]


def test_unknown_fields_are_ignored(server: ServerProcess, creds: Credentials) -> None:
    body = {**_ok_body(), "temperature": 0.2, "stream": False, "reasoning": {"effort": "low"}}
    assert _post(server, creds, json_body=body).status_code == 200


def test_401_missing_key(server: ServerProcess) -> None:
    error = _error(_post(server, None, json_body=_ok_body()), 401)
    assert error["type"] == "authentication_error"


def test_401_unknown_key(server: ServerProcess, creds: Credentials) -> None:
    headers = {"x-api-key": "zgpu-api-" + "A" * 43}
    error = _error(_post(server, creds, json_body=_ok_body(), headers=headers), 401)
    assert error["type"] == "authentication_error"


def test_bearer_is_a_fallback_only(server: ServerProcess, creds: Credentials) -> None:
    bearer_only = {"content-type": "application/json", "authorization": f"Bearer {creds.key}"}
    response = httpx.post(
        f"{server.url}/v1/responses", json=_ok_body(), headers=bearer_only, timeout=30
    )
    assert response.status_code == 200
    # The OpenAI SDK sends a dummy bearer next to x-api-key: x-api-key wins.
    both = _post(server, creds, json_body=_ok_body(), headers={"authorization": "Bearer unused"})
    assert both.status_code == 200


def test_project_id_may_be_omitted_or_empty(server: ServerProcess, creds: Credentials) -> None:
    assert (
        _post(server, creds, json_body=_ok_body(), headers={"x-project-id": ""}).status_code == 200
    )


def test_403_wrong_project(server: ServerProcess, creds: Credentials) -> None:
    headers = {"x-project-id": "00000000-0000-4000-8000-000000000000"}
    error = _error(_post(server, creds, json_body=_ok_body(), headers=headers), 403)
    assert error["type"] == "permission_error"


def test_403_malformed_project_id(server: ServerProcess, creds: Credentials) -> None:
    headers = {"x-project-id": "not-a-uuid"}
    _error(_post(server, creds, json_body=_ok_body(), headers=headers), 403)


def test_404_unknown_route(server: ServerProcess) -> None:
    error = _error(httpx.get(f"{server.url}/v1/nothing-here", timeout=10), 404)
    assert error["type"] == "not_found_error"


def test_413_ten_megabyte_body(server: ServerProcess, creds: Credentials) -> None:
    body = b'{"model": "zlm-v1-summary-cloud", "input": "' + b"a" * (10 * 1024 * 1024) + b'"}'
    error = _error(_post(server, creds, body=body), 413)
    assert error["code"] == "request_too_large"


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", ""])
def test_415_wrong_content_type(
    server: ServerProcess, creds: Credentials, content_type: str
) -> None:
    response = httpx.post(
        f"{server.url}/v1/responses",
        content=b'{"model": "zlm-v1-summary-cloud", "input": "hello"}',
        headers={"x-api-key": creds.key, "content-type": content_type},
        timeout=30,
    )
    error = _error(response, 415)
    assert "application/json" in error["message"]


def test_420_context_length_exceeded(server: ServerProcess, creds: Credentials) -> None:
    error = _error(_post(server, creds, json_body=_ok_body("word " * 9000)), 420)
    assert error["code"] == "context_length_exceeded"
    assert error["type"] == "invalid_request_error"


def test_truncating_model_counts_what_it_processed(
    server: ServerProcess, creds: Credentials
) -> None:
    body = {"model": "zlm-v1-iab-classify-cloud", "input": "football match report " * 400}
    response = _post(server, creds, json_body=body)
    assert response.status_code == 200, response.text
    assert response.json()["usage"]["input_tokens"] == 400


def test_max_output_tokens_is_respected(server: ServerProcess, creds: Credentials) -> None:
    article = " ".join(
        f"Sentence number {i} describes a different event in the long city report."
        for i in range(40)
    )
    body = {**_ok_body(article), "max_output_tokens": 30}
    response = _post(server, creds, json_body=body)
    assert response.status_code == 200, response.text
    assert 0 < response.json()["usage"]["output_tokens"] <= 30


def test_metadata_is_echoed(server: ServerProcess, creds: Credentials) -> None:
    body = {**_ok_body(), "metadata": {"ticket": "T-1"}}
    response = _post(server, creds, json_body=body)
    assert response.json()["metadata"] == {"ticket": "T-1"}

"""The official ``zerogpu-api`` SDK, pointed at our server with ``base_url``."""

from __future__ import annotations

import json
import uuid

import pytest
from zerogpu import ZerogpuApi
from zerogpu.errors import ForbiddenError, MethodFailureError, UnauthorizedError

from tests.support.server import Credentials, ServerProcess

ARTICLE = (
    "The city council approved a new budget on Tuesday that increases funding for public "
    "transport. Officials said the plan adds forty electric buses and extends night service. "
    "Critics argued that road repairs were neglected. The mayor promised a review in spring."
)


def _client(server: ServerProcess, key: str, project_id: str) -> ZerogpuApi:
    return ZerogpuApi(api_key=key, project_id=project_id, base_url=f"{server.url}/v1")


def test_sdk_parses_a_summary(server: ServerProcess, creds: Credentials) -> None:
    response = _client(server, creds.key, creds.project_id).responses.create_response(
        model="zlm-v1-summary-cloud", input=[{"role": "user", "content": ARTICLE}]
    )
    assert response.object == "response"
    text = response.output[0].content[0].text
    assert text
    assert all(sentence.rstrip(".") in ARTICLE for sentence in text.split(". "))
    assert response.usage is not None
    assert response.usage.input_tokens > 0


def test_sdk_parses_a_classification(server: ServerProcess, creds: Credentials) -> None:
    response = _client(server, creds.key, creds.project_id).responses.create_response(
        model="zlm-v1-iab-classify-cloud", input=ARTICLE
    )
    result = json.loads(response.output[0].content[0].text)
    assert result["content"]["iab_2_2"]


def test_sdk_raises_unauthorized_for_an_unknown_key(
    server: ServerProcess, creds: Credentials
) -> None:
    client = _client(server, "zgpu-api-" + "x" * 43, creds.project_id)
    with pytest.raises(UnauthorizedError):
        client.responses.create_response(model="zlm-v1-summary-cloud", input=ARTICLE)


def test_sdk_raises_forbidden_for_another_project(
    server: ServerProcess, creds: Credentials
) -> None:
    client = _client(server, creds.key, str(uuid.uuid4()))
    with pytest.raises(ForbiddenError):
        client.responses.create_response(model="zlm-v1-summary-cloud", input=ARTICLE)


def test_sdk_raises_method_failure_for_over_length_input(
    server: ServerProcess, creds: Credentials
) -> None:
    client = _client(server, creds.key, creds.project_id)
    with pytest.raises(MethodFailureError) as caught:
        client.responses.create_response(model="zlm-v1-summary-cloud", input="word " * 9000)
    assert caught.value.body["error"]["code"] == "context_length_exceeded"

"""The docs' curl, Python ``requests`` and JavaScript ``fetch`` snippets, with only URL,
credentials and model changed, get a well-formed answer from both models."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.integration.api.conftest import snippet
from tests.support.server import Credentials, ServerProcess

MODELS = ["zlm-v1-summary-cloud", "zlm-v1-iab-classify-cloud"]


def _fill(template: str, server: ServerProcess, creds: Credentials, model: str) -> str:
    return (
        template.replace("https://api.zerogpu.ai/v1/responses", f"{server.url}/v1/responses")
        .replace("YOUR_API_KEY", creds.key)
        .replace("YOUR_PROJECT_ID", creds.project_id)
        .replace("YOUR_MODEL", model)
    )


def _check(body: dict[str, Any], model: str) -> None:
    assert body["object"] == "response"
    assert body["model"] == model
    assert body["created"] == body["created_at"]
    message = body["output"][0]
    assert message["type"] == "message"
    assert message["role"] == "assistant"
    text = message["content"][0]["text"]
    assert message["content"][0]["type"] == "output_text"
    assert text.strip()
    if model == "zlm-v1-iab-classify-cloud":
        result = json.loads(text)
        assert {"audience", "content", "topics", "keywords", "user_intent"} <= result.keys()
    usage = body["usage"]
    assert usage["input_tokens"] > 0
    assert usage["total_tokens"] == usage["input_tokens"] + usage["output_tokens"]


@pytest.mark.parametrize("model", MODELS)
def test_curl_snippet(server: ServerProcess, creds: Credentials, model: str) -> None:
    script = _fill(snippet("curl.sh"), server, creds, model)
    out = subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=True)
    _check(json.loads(out.stdout), model)


@pytest.mark.parametrize("model", MODELS)
def test_python_requests_snippet(
    server: ServerProcess, creds: Credentials, model: str, tmp_path: Path
) -> None:
    script = tmp_path / "snippet.py"
    script.write_text(_fill(snippet("requests_snippet.py"), server, creds, model))
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=True)
    _check(ast.literal_eval(out.stdout), model)


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
@pytest.mark.parametrize("model", MODELS)
def test_javascript_fetch_snippet(
    server: ServerProcess, creds: Credentials, model: str, tmp_path: Path
) -> None:
    script = tmp_path / "snippet.mjs"
    script.write_text(_fill(snippet("fetch_snippet.mjs"), server, creds, model))
    out = subprocess.run(["node", str(script)], capture_output=True, text=True, check=True)
    _check(json.loads(out.stdout), model)

"""The ready-to-run request snippet the dashboard shows, for the terminal."""

from __future__ import annotations

import json
import shlex


def curl_snippet(base_url: str, api_key: str, project_id: str, model: str) -> str:
    """A curl command for ``POST /v1/responses`` with real URL, key, project id and model."""
    payload = {
        "model": model,
        "input": [{"role": "user", "content": "Your input text here..."}],
        "text": {"format": {"type": "text"}},
    }
    body = json.dumps(payload, indent=2)
    return (
        f"curl --location {shlex.quote(base_url.rstrip('/') + '/v1/responses')} \\\n"
        "  --header 'content-type: application/json' \\\n"
        f"  --header {shlex.quote('x-api-key: ' + api_key)} \\\n"
        f"  --header {shlex.quote('x-project-id: ' + project_id)} \\\n"
        f"  --data {shlex.quote(body)}"
    )

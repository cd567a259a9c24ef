"""The operator and discovery endpoints: /v1/models, /healthz, /readyz, /metrics, /openapi.json."""

from __future__ import annotations

from decimal import Decimal

import httpx

from tests.support.server import Credentials, ServerProcess


def test_models_list_has_task_window_and_prices(server: ServerProcess) -> None:
    body = httpx.get(f"{server.url}/v1/models", timeout=10).json()
    assert body["object"] == "list"
    models = {m["id"]: m for m in body["data"]}
    assert set(models) >= {"zlm-v1-summary-cloud", "zlm-v1-iab-classify-cloud"}
    iab = models["zlm-v1-iab-classify-cloud"]
    assert iab["object"] == "model"
    assert iab["context_window"] == 400
    assert iab["over_length"] == "truncate"
    assert models["zlm-v1-summary-cloud"]["over_length"] == "reject"
    assert Decimal(iab["pricing"]["input_per_million_usd"]) == Decimal("0.20")
    assert Decimal(iab["pricing"]["output_per_million_usd"]) == Decimal("0.40")


def test_health_and_readiness(server: ServerProcess) -> None:
    assert httpx.get(f"{server.url}/healthz", timeout=10).json() == {"status": "ok"}
    ready = httpx.get(f"{server.url}/readyz", timeout=10)
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": True, "fabric": True}


def test_metrics_count_requests_by_model_and_status(
    server: ServerProcess, creds: Credentials
) -> None:
    headers = {"x-api-key": creds.key, "x-project-id": creds.project_id}
    body = {"model": "zlm-v1-summary-cloud", "input": "One sentence to summarize today."}
    assert httpx.post(f"{server.url}/v1/responses", json=body, headers=headers).status_code == 200
    text = httpx.get(f"{server.url}/metrics", timeout=10).text
    assert 'zgpu_requests_total{model="zlm-v1-summary-cloud",status="200"}' in text
    assert "zgpu_request_latency_seconds_bucket" in text
    # Unknown model names never become label values (unbounded cardinality).
    httpx.post(f"{server.url}/v1/responses", json={**body, "model": "x" * 40}, headers=headers)
    assert "x" * 40 not in httpx.get(f"{server.url}/metrics", timeout=10).text


def test_openapi_documents_what_the_server_accepts_and_returns(
    server: ServerProcess, creds: Credentials
) -> None:
    spec = httpx.get(f"{server.url}/openapi.json", timeout=10).json()
    operation = spec["paths"]["/v1/responses"]["post"]
    request_schema = operation["requestBody"]["content"]["application/json"]["schema"]
    assert {"model", "input"} <= set(request_schema["required"])
    assert {"instructions", "text", "metadata", "max_output_tokens"} <= set(
        request_schema["properties"]
    )
    for status in ("200", "400", "401", "403", "413", "415", "420", "500", "503"):
        assert status in operation["responses"], status

    documented = _resolve(
        spec, operation["responses"]["200"]["content"]["application/json"]["schema"]
    )
    headers = {"x-api-key": creds.key, "x-project-id": creds.project_id}
    body = {"model": "zlm-v1-summary-cloud", "input": "A sentence about the sea."}
    actual = httpx.post(f"{server.url}/v1/responses", json=body, headers=headers).json()
    assert set(documented["required"]) <= set(actual)
    assert set(actual) <= set(documented["properties"])


def _resolve(spec: dict[str, object], schema: dict[str, object]) -> dict[str, object]:
    ref = schema.get("$ref")
    if not isinstance(ref, str):
        return schema
    node: object = spec
    for part in ref.removeprefix("#/").split("/"):
        assert isinstance(node, dict)
        node = node[part]
    assert isinstance(node, dict)
    return node

"""The gateway serves the built dashboard at ``/`` without shadowing any API answer."""

from __future__ import annotations

import re

import pytest

from tests.integration.management.live import Live

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def test_pages_get_the_app_and_assets_are_cached(live: Live) -> None:
    with live.client() as client:
        index = client.get("/")  # curl's Accept: */*
        assert index.status_code == 200
        assert 'id="root"' in index.text
        assert index.headers["cache-control"] == "no-cache"
        deep = client.get("/logs?status=5xx", headers={"accept": "text/html"})
        assert deep.status_code == 200
        assert deep.text == index.text
        script = re.search(r'src="(/assets/[^"]+\.js)"', index.text)
        assert script is not None
        asset = client.get(script.group(1))
        assert asset.status_code == 200
        assert "immutable" in asset.headers["cache-control"]


@pytest.mark.parametrize(
    ("path", "accept"),
    [
        ("/v1/nope", "text/html"),
        ("/v1/organization/nothing-here", "*/*"),
        ("/some/page", "application/json"),
        ("/assets/missing.js", "*/*"),
    ],
)
def test_api_paths_and_json_callers_keep_the_json_404(live: Live, path: str, accept: str) -> None:
    with live.client() as client:
        response = client.get(path, headers={"accept": accept})
    assert response.status_code == 404
    assert response.json()["error"]["type"] == "not_found_error"


def test_api_routes_are_not_shadowed(live: Live) -> None:
    with live.client() as client:
        assert client.get("/healthz", headers={"accept": "text/html"}).json()["status"] == "ok"
        models = client.get("/v1/models", headers={"accept": "text/html"})
        assert models.json()["object"] == "list"
        assert "/{path}" not in client.get("/openapi.json").json()["paths"]

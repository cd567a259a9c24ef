"""A key revoked through one gateway stops working in a second gateway on the same database
within its key cache TTL (0.5 s here; the promise is one second)."""

from __future__ import annotations

import time

import pytest

from tests.integration.management.actors import signup
from tests.integration.management.live import Live, live_gateway
from tests.support.server import NatsProcess


def test_revocation_reaches_another_gateway_within_a_second(
    live: Live, database_url: str, nats: NatsProcess, tmp_path_factory: pytest.TempPathFactory
) -> None:
    owner, session = signup(live, "revoker")
    org = session["organizations"][0]["id"]
    project = owner.request("GET", "/v1/organization/projects", org).json()["data"][0]["id"]
    path = f"/v1/organization/projects/{project}/api_keys"
    key = owner.request("POST", path, org, {"name": "shared"}).json()
    request = {"model": "no-such-model", "input": "hi"}
    with live_gateway(tmp_path_factory.mktemp("second"), database_url, nats.url) as second:
        client = second.client(headers={"x-api-key": key["value"]})
        assert client.post("/v1/responses", json=request).status_code == 400  # cached as valid
        owner.request("DELETE", f"{path}/{key['id']}", org)
        revoked_at = time.monotonic()
        while client.post("/v1/responses", json=request).status_code != 401:
            assert time.monotonic() - revoked_at < 1.0, "the second gateway still accepts it"
            time.sleep(0.05)

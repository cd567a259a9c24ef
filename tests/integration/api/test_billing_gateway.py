"""Billing on the request path: 402 without credit, each success's cost recorded with its
log row, and service again once credit is added."""

from __future__ import annotations

import math
import subprocess
from pathlib import Path

import httpx
from sqlalchemy import select

from tests.support.server import ZGPU, ServerProcess, create_key, process_env
from zgpu.platform.billing import UsageCharge
from zgpu.platform.db import Database
from zgpu.platform.logs import RequestLog

BODY = {"model": "zlm-v1-summary-cloud", "input": "The harbour plan was approved on Tuesday."}


def _database(server: ServerProcess) -> Database:
    return Database(server.database_url or f"sqlite:///{server.data_dir / 'zgpu.db'}")


def test_out_of_credit_then_credit_added(tmp_path: Path, database_url: str | None) -> None:
    server = ServerProcess(
        tmp_path / "gw", database_url, extra_env={"ZGPU_WELCOME_CREDIT_USD": "0"}
    ).start()
    try:
        creds = create_key(server.data_dir, database_url)
        headers = {"x-api-key": creds.key, "x-project-id": creds.project_id}
        refused = httpx.post(f"{server.url}/v1/responses", json=BODY, headers=headers, timeout=30)
        assert refused.status_code == 402
        error = refused.json()["error"]
        assert (error["type"], error["code"]) == ("insufficient_quota", "insufficient_quota")
        assert "credit" in error["message"]

        subprocess.run(
            [*ZGPU, "billing", "add-credit", "10", "--card", "4242424242424242",
             "--exp", "12/39", "--cvc", "123", "--idempotency-key", "topup-1"],
            env=process_env(server.data_dir, database_url),
            check=True,
            capture_output=True,
            timeout=120,
        )  # fmt: skip
        ok = httpx.post(f"{server.url}/v1/responses", json=BODY, headers=headers, timeout=30)
        # The gateway caches a verdict for at most a second.
        for _ in range(20):
            if ok.status_code == 200:
                break
            ok = httpx.post(f"{server.url}/v1/responses", json=BODY, headers=headers, timeout=30)
        assert ok.status_code == 200, ok.text

        request_id = ok.headers["x-request-id"]
        usage = ok.json()["usage"]
        database = _database(server)
        try:
            with database.session() as session:
                charges = session.scalars(
                    select(UsageCharge).where(UsageCharge.request_id == request_id)
                ).all()
                logged = session.scalars(
                    select(RequestLog).where(
                        RequestLog.request_id == refused.headers["x-request-id"]
                    )
                ).one()
        finally:
            database.dispose()
        assert logged.status == 402  # refusals are logged, and not billed
        assert len(charges) == 1
        expected = math.ceil(
            (usage["input_tokens"] * 200_000 + usage["output_tokens"] * 400_000) / 1_000_000
        )
        assert charges[0].cost_micro == expected
    finally:
        server.stop()

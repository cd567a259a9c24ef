"""``kill -9`` of a gateway during a burst of requests and a credit purchase: after restart
the ledger is consistent, the purchase is credited once (a retry with its key never charges
twice), and every request that got a 200 is billed exactly once."""

from __future__ import annotations

import contextlib
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from sqlalchemy import func, select

from tests.support.server import ServerProcess
from zgpu.platform.billing import Charge, LedgerEntry, UsageCharge
from zgpu.platform.db import Database

PASSWORD = "Tr0ub4dor&3-horse-staple"
CARD = {"number": "4242 4242 4242 4242", "exp": "12/39", "cvc": "123", "country": "US"}
PURCHASE = {"amount_usd": "25", "card": CARD}
BODY = {"model": "zlm-v1-iab-classify-cloud", "input": "A review of the new electric SUV."}


def _sign_up(server: ServerProcess) -> tuple[httpx.Client, str, str]:
    """A user with an organization; returns the signed-in client, CSRF token and a key."""
    client = httpx.Client(base_url=server.url, timeout=60)
    email = f"crash-{uuid.uuid4().hex[:8]}@example.com"
    session = client.post(
        "/v1/auth/signup", json={"email": email, "password": PASSWORD, "name": "Crash Test"}
    )
    assert session.status_code == 201, session.text
    csrf = session.json()["csrf_token"]
    project = client.get("/v1/organization/projects").json()["data"][0]["id"]
    created = client.post(
        f"/v1/organization/projects/{project}/api_keys",
        json={"name": "burst"},
        headers={"x-csrf-token": csrf},
    )
    assert created.status_code == 201, created.text
    return client, csrf, created.json()["value"]


def test_kill_9_during_requests_and_a_purchase(tmp_path: Path, database_url: str | None) -> None:
    server = ServerProcess(tmp_path / "gw", database_url).start()
    client, csrf, key = _sign_up(server)
    organization_id = uuid.UUID(client.get("/v1/auth/session").json()["organizations"][0]["id"])
    succeeded: list[str] = []
    lock = threading.Lock()

    def infer(_: int) -> None:
        try:
            response = httpx.post(
                f"{server.url}/v1/responses", json=BODY, headers={"x-api-key": key}, timeout=60
            )
        except httpx.HTTPError:
            return
        if response.status_code == 200:
            with lock:
                succeeded.append(response.headers["x-request-id"])

    def purchase() -> None:
        # The gateway may die mid-purchase: the client retries with the same key below.
        with contextlib.suppress(httpx.HTTPError):
            client.post(
                "/v1/organization/billing/credit",
                json=PURCHASE,
                headers={"x-csrf-token": csrf, "Idempotency-Key": "crash-purchase"},
            )

    with ThreadPoolExecutor(51) as pool:
        futures = [pool.submit(infer, i) for i in range(50)]
        futures.append(pool.submit(purchase))
        deadline = time.monotonic() + 60
        while len(succeeded) < 10 and time.monotonic() < deadline:
            time.sleep(0.01)
        server.kill()
        for future in futures:
            future.result()
    assert succeeded, "no request finished before the kill"

    server = ServerProcess(server.data_dir, database_url, port=server.port).start()
    try:
        retry = client.post(
            "/v1/organization/billing/credit",
            json=PURCHASE,
            headers={"x-csrf-token": csrf, "Idempotency-Key": "crash-purchase"},
        )
        assert retry.status_code in (200, 201), retry.text
        database = Database(server.database_url or f"sqlite:///{server.data_dir / 'zgpu.db'}")
        try:
            with database.session() as session:
                credits = session.scalars(
                    select(LedgerEntry).where(
                        LedgerEntry.organization_id == organization_id,
                        LedgerEntry.kind == "credit",
                    )
                ).all()
                charges = session.scalars(
                    select(Charge).where(
                        Charge.organization_id == organization_id, Charge.kind == "credit"
                    )
                ).all()
                billed = list(
                    session.scalars(
                        select(UsageCharge.request_id).where(
                            UsageCharge.organization_id == organization_id
                        )
                    )
                )
                ledger_sum = session.scalar(
                    select(func.coalesce(func.sum(LedgerEntry.amount_micro), 0)).where(
                        LedgerEntry.organization_id == organization_id
                    )
                )
                unsettled = session.scalar(
                    select(func.coalesce(func.sum(UsageCharge.cost_micro), 0)).where(
                        UsageCharge.organization_id == organization_id,
                        UsageCharge.settled_at.is_(None),
                    )
                )
        finally:
            database.dispose()
        assert [c.amount_micro for c in credits] == [25_000_000]  # credited once
        assert len(charges) == 1
        assert charges[0].status == "succeeded"
        assert set(succeeded) <= set(billed)
        assert len(billed) == len(set(billed))
        # The ledger holds exactly the welcome credit and the purchase; usage is not settled yet.
        assert int(ledger_sum) == 5_000_000 + 25_000_000
        assert int(unsettled) > 0
    finally:
        server.stop()

"""The billing endpoints on the real gateway app (real database, NATS, error envelope):
shapes, exact amounts, idempotent purchases, and 4xx answers that name the field."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from tokenizers import Tokenizer
from tokenizers.models import WordLevel

from tests.integration.management.actors import PASSWORD, unique_email
from tests.support.server import NatsProcess
from zgpu.api.app import create_app
from zgpu.api.management.routes_billing import billing_router
from zgpu.config import Settings
from zgpu.nlm.registry import ModelRegistry
from zgpu.nlm.window import ContextWindow
from zgpu.platform.db import upgrade_to_head
from zgpu.platform.users import PasswordHashing

BASE = "/v1/organization/billing"
CARD = {"number": "4242 4242 4242 4242", "exp": "12/39", "cvc": "123", "country": "US"}


@pytest.fixture(scope="module")
def owner(
    tmp_path_factory: pytest.TempPathFactory, database_url: str, nats: NatsProcess
) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """A signed-up owner of a new organization, and the headers their calls need."""
    upgrade_to_head(database_url)
    settings = Settings(
        data_dir=Path(tmp_path_factory.mktemp("data")), database_url=database_url, nats_url=nats.url
    )
    window = ContextWindow(Tokenizer(WordLevel({"[UNK]": 0}, unk_token="[UNK]")))
    app = create_app(settings, window, ModelRegistry())
    if not any(getattr(route, "path", "").startswith(BASE) for route in app.routes):
        app.include_router(billing_router)
    with TestClient(app) as client:
        app.state.gateway.passwords = PasswordHashing(
            PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
        )
        body = {
            "email": unique_email("payer"),
            "password": PASSWORD,
            "name": "Payer",
            "organization_name": "Payers",
        }
        session = client.post("/v1/auth/signup", json=body).json()
        headers = {
            "x-csrf-token": session["csrf_token"],
            "x-organization-id": session["organizations"][0]["id"],
        }
        yield client, headers


def _call(
    owner: tuple[TestClient, dict[str, str]],
    method: str,
    path: str,
    json: Any = None,
    key: str | None = None,
) -> Any:
    client, headers = owner
    extra = dict(headers) | ({"Idempotency-Key": key} if key else {})
    return client.request(method, BASE + path, json=json, headers=extra)


def _error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    return error


def test_buying_credit_is_exact_and_idempotent(owner: tuple[TestClient, dict[str, str]]) -> None:
    start = _call(owner, "GET", "/balance").json()
    assert start["credit_presets_usd"] == ["10.00", "25.00", "50.00", "100.00"]
    assert start["min_credit_usd"] == "5.00"
    body = {"amount_usd": "25.50", "card": CARD}
    first = _call(owner, "POST", "/credit", body, key="buy-1")
    assert first.status_code == 200, first.text
    again = _call(owner, "POST", "/credit", body, key="buy-1").json()
    assert (again["id"], again["replayed"]) == (first.json()["id"], True)
    conflict = _error(
        _call(owner, "POST", "/credit", {"amount_cents": 1000, "card": CARD}, key="buy-1"), 409
    )
    assert (conflict["code"], conflict["param"]) == ("idempotency_conflict", "Idempotency-Key")
    balance = _call(owner, "GET", "/balance").json()
    assert balance["balance_micro"] - start["balance_micro"] == 25_500_000
    methods = _call(owner, "GET", "/payment_methods").json()["data"]
    assert [(m["brand"], m["last4"], m["is_default"]) for m in methods][:1] == [
        ("visa", "4242", True)
    ]
    assert "number" not in methods[0]
    assert "cvc" not in methods[0]


@pytest.mark.parametrize(
    ("body", "key", "status", "param", "code"),
    [
        ({"amount_usd": "10"}, None, 400, "Idempotency-Key", "idempotency_key_required"),
        ({"amount_usd": "10.005", "card": CARD}, "k", 400, "amount_usd", "invalid_argument"),
        ({"amount_usd": "-10", "card": CARD}, "k", 400, "amount_usd", "invalid_argument"),
        ({"amount_usd": 10.5, "card": CARD}, "k", 400, "amount_usd", None),
        ({"amount_usd": "4.99", "card": CARD}, "k", 400, "amount_usd", "amount_too_small"),
        ({"amount_usd": "10000.01", "card": CARD}, "k", 400, "amount_usd", "amount_too_large"),
        ({"amount_cents": 499, "card": CARD}, "k", 400, "amount_cents", "amount_too_small"),
        (
            {"amount_usd": "10", "card": CARD | {"exp": "01/20"}},
            "k",
            400,
            "card.exp",
            "expired_card",
        ),
        (
            {"amount_usd": "10", "card": CARD | {"number": "4242424242424241"}},
            "k",
            400,
            "card.number",
            "invalid_number",
        ),
        ({"amount_usd": "10", "card": CARD | {"cvc": "12"}}, "k", 400, "card.cvc", "invalid_cvc"),
        (
            {"amount_usd": "10", "card": CARD | {"country": "ZZ"}},
            "k",
            400,
            "card.country",
            "invalid_country",
        ),
        (
            {"amount_usd": "10", "card": CARD | {"number": "4000000000000002"}},
            "k-decline",
            402,
            "card.number",
            "card_declined",
        ),
        (
            {"amount_usd": "10", "payment_method_id": "00000000-0000-4000-8000-000000000000"},
            "k",
            404,
            "payment_method_id",
            None,
        ),
        ({"amount_usd": "10", "card": CARD, "tip": 1}, "k", 400, "tip", None),
    ],
)
def test_bad_purchases_get_4xx_naming_the_field(
    owner: tuple[TestClient, dict[str, str]],
    body: dict[str, Any],
    key: str | None,
    status: int,
    param: str,
    code: str | None,
) -> None:
    error = _error(_call(owner, "POST", "/credit", body, key=key), status)
    assert error["param"] == param
    if code is not None:
        assert error["code"] == code


def test_methods_auto_recharge_history_and_prices(owner: tuple[TestClient, dict[str, str]]) -> None:
    added = _call(
        owner,
        "POST",
        "/payment_methods",
        {"card": CARD | {"number": "5555555555554444"}, "make_default": True},
    )
    assert added.status_code == 201, added.text
    mastercard = added.json()["id"]
    assert _call(owner, "GET", "/payment_methods").json()["data"][0]["id"] == mastercard
    put = _call(
        owner, "PUT", "/auto_recharge", {"enabled": True, "threshold_usd": "5", "amount_usd": "10"}
    )
    assert put.status_code == 200, put.text
    assert put.json()["enabled"]
    assert put.json()["threshold_micro"] == 5_000_000
    bad = _error(
        _call(
            owner,
            "PUT",
            "/auto_recharge",
            {"enabled": True, "threshold_usd": "5", "amount_usd": "1"},
        ),
        400,
    )
    assert bad["param"] == "amount_usd"
    assert _call(owner, "DELETE", f"/payment_methods/{mastercard}").status_code == 204
    assert _error(_call(owner, "POST", f"/payment_methods/{mastercard}/default"), 404)["param"] == (
        "payment_method_id"
    )
    bought = {"amount_usd": "25.50", "card": CARD}
    assert _call(owner, "POST", "/credit", bought, key="history-ok").status_code in (200, 201)
    declined = {"amount_usd": "10", "card": CARD | {"number": "4000000000000002"}}
    assert _call(owner, "POST", "/credit", declined, key="history-decline").status_code == 402
    page = _call(owner, "GET", "/history?kind=credit&limit=5").json()
    assert page["data"]
    assert all(line["kind"] == "credit" for line in page["data"])
    assert {line["status"] for line in page["data"]} >= {"succeeded", "failed"}
    exported = _call(owner, "GET", "/history?format=csv")
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert any(r["description"] == "Credit" and r["amount_usd"] == "+25.50" for r in rows)
    assert _error(_call(owner, "GET", "/history?kind=gift"), 400)["param"] == "kind.0"
    prices = _call(owner, "GET", "/prices").json()["data"]
    assert {p["model"] for p in prices} >= {"zlm-v1-summary-cloud", "zlm-v1-iab-classify-cloud"}
    refused = _call(
        owner,
        "POST",
        "/prices",
        {"model": "m", "input_micro_usd_per_million": 1, "output_micro_usd_per_million": 1},
    )
    assert _error(refused, 403)["code"] == "operator_only"

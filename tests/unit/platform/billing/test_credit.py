"""Buying credit: exactly-once charges under idempotency keys, declines recorded, bad input
refused naming the field, and cards stored without their number or CVC."""

from __future__ import annotations

import contextlib
import threading
import uuid
from pathlib import Path

import pytest
from sqlalchemy import inspect, select, text

from tests.unit.platform.billing.conftest import DECLINE, NO_FUNDS, NOW, VISA, Org
from zgpu.platform.billing import (
    Billing,
    CardDetails,
    Charge,
    IdempotencyConflict,
    PaymentDeclined,
    TestCardProvider,
    balance_of,
    get_payment_method,
    list_payment_methods,
    remove_payment_method,
    set_default_payment_method,
    usd,
)
from zgpu.platform.db import Database
from zgpu.platform.errors import InvalidArgument, NotFound


def test_credit_with_a_new_card_is_charged_once_and_credited(
    db: Database, org: Org, billing: Billing, provider: TestCardProvider
) -> None:
    receipt = billing.add_credit(
        db, org.id, amount_micro=usd(25), idempotency_key="k1", card=VISA, now=NOW
    )
    assert (receipt.status, receipt.amount_micro, receipt.replayed) == ("succeeded", usd(25), False)
    again = billing.add_credit(
        db, org.id, amount_micro=usd(25), idempotency_key="k1", card=VISA, now=NOW
    )
    assert again.replayed
    assert again.charge_id == receipt.charge_id
    assert again.ledger_entry_id == receipt.ledger_entry_id is not None
    with db.session() as session:
        assert balance_of(session, org.id).available_micro == usd(25)
        methods = list_payment_methods(session, org.id)
    assert len(provider.charges) == 1
    assert [(m.brand, m.last4, m.is_default) for m in methods] == [("visa", "4242", True)]


def test_the_same_key_with_another_body_is_a_conflict(
    db: Database, org: Org, billing: Billing
) -> None:
    billing.add_credit(db, org.id, amount_micro=usd(10), idempotency_key="k", card=VISA, now=NOW)
    with pytest.raises(IdempotencyConflict) as caught:
        billing.add_credit(
            db, org.id, amount_micro=usd(50), idempotency_key="k", card=VISA, now=NOW
        )
    assert caught.value.param == "Idempotency-Key"
    assert caught.value.code == "idempotency_conflict"
    other = billing.add_credit(
        db, org.id, amount_micro=usd(50), idempotency_key="k2", card=VISA, now=NOW
    )
    assert other.status == "succeeded"


def test_concurrent_retries_of_one_purchase_charge_once(
    migrated_url: str, org: Org, billing: Billing, provider: TestCardProvider
) -> None:
    databases = [Database(migrated_url) for _ in range(4)]
    method = billing.add_payment_method(databases[0], org.id, VISA, now=NOW)
    barrier = threading.Barrier(len(databases))
    receipts, errors = [], []

    def buy(database: Database) -> None:
        barrier.wait()
        try:
            receipts.append(
                billing.add_credit(
                    database,
                    org.id,
                    amount_micro=usd(10),
                    idempotency_key="retry-me",
                    payment_method_id=method.id,
                    now=NOW,
                )
            )
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=buy, args=(d,)) for d in databases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len({r.charge_id for r in receipts}) == 1
    assert len(provider.charges) == 1
    with databases[0].session() as session:
        assert balance_of(session, org.id).available_micro == usd(10)
    for database in databases:
        database.dispose()


@pytest.mark.parametrize(
    ("card", "code"), [(DECLINE, "card_declined"), (NO_FUNDS, "insufficient_funds")]
)
def test_declines_are_recorded_and_replayed(
    db: Database, org: Org, billing: Billing, card: CardDetails, code: str
) -> None:
    for _ in range(2):
        with pytest.raises(PaymentDeclined) as caught:
            billing.add_credit(
                db, org.id, amount_micro=usd(10), idempotency_key="d", card=card, now=NOW
            )
        assert caught.value.code == code
    with db.session() as session:
        charges = session.scalars(select(Charge)).all()
        assert balance_of(session, org.id).available_micro == 0
    assert [(c.status, c.failure_code) for c in charges] == [("failed", code)]


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"amount_micro": usd(4)}, "amount"),
        ({"amount_micro": usd(10_001)}, "amount"),
        ({"amount_micro": usd(5) + 1}, "amount"),
        ({"amount_micro": -usd(5)}, "amount"),
        ({"idempotency_key": ""}, "Idempotency-Key"),
        ({"idempotency_key": None}, "Idempotency-Key"),
        ({"idempotency_key": "x" * 256}, "Idempotency-Key"),
        ({"card": CardDetails("4242424242424242", "01/20", "123", "US")}, "card.exp"),
        ({"card": CardDetails("4242424242424243", "01/30", "123", "US")}, "card.number"),
        ({"payment_method_id": None, "card": None}, "payment_method_id"),
    ],
)
def test_bad_purchases_are_refused_naming_the_field(
    db: Database, org: Org, billing: Billing, kwargs: dict[str, object], param: str
) -> None:
    arguments: dict[str, object] = {"amount_micro": usd(10), "idempotency_key": "k", "card": VISA}
    arguments |= kwargs
    with pytest.raises(InvalidArgument) as caught:
        billing.add_credit(db, org.id, now=NOW, **arguments)  # type: ignore[arg-type]
    assert caught.value.param == param
    with db.session() as session:
        assert session.scalars(select(Charge)).all() == []


def test_unknown_and_foreign_payment_methods_are_not_found(
    db: Database, org: Org, billing: Billing
) -> None:
    from tests.unit.platform.billing.conftest import new_org

    stranger = new_org(db, "Other")
    theirs = billing.add_payment_method(db, stranger.id, VISA, now=NOW)
    for method_id in (uuid.uuid4(), theirs.id):
        with pytest.raises(NotFound) as caught:
            billing.add_credit(
                db,
                org.id,
                amount_micro=usd(10),
                idempotency_key=str(method_id),
                payment_method_id=method_id,
                now=NOW,
            )
        assert caught.value.param == "payment_method_id"


def test_payment_methods_add_list_default_remove(db: Database, org: Org, billing: Billing) -> None:
    first = billing.add_payment_method(db, org.id, VISA, now=NOW)
    second = billing.add_payment_method(
        db, org.id, CardDetails("5555555555554444", "01/29", "321", "DE"), now=NOW
    )
    assert first.is_default
    assert not second.is_default
    with db.session() as session:
        set_default_payment_method(session, org.id, second.id)
        listed = list_payment_methods(session, org.id)
        assert [(m.last4, m.is_default) for m in listed] == [("4444", True), ("4242", False)]
        remove_payment_method(session, org.id, second.id, now=NOW)
        listed = list_payment_methods(session, org.id)
        assert [(m.last4, m.is_default) for m in listed] == [("4242", True)]
        with pytest.raises(NotFound):
            get_payment_method(session, org.id, second.id)
    # Credit without naming a method uses the default one.
    receipt = billing.add_credit(db, org.id, amount_micro=usd(5), idempotency_key="d", now=NOW)
    assert receipt.payment_method_id == first.id


def test_the_database_never_holds_a_card_number_or_cvc(
    db: Database, org: Org, billing: Billing, migrated_url: str
) -> None:
    cards = [VISA, DECLINE, CardDetails("378282246310005", "11/29", "7531", "CA")]
    for n, card in enumerate(cards):
        with contextlib.suppress(PaymentDeclined):
            billing.add_credit(
                db, org.id, amount_micro=usd(10), idempotency_key=f"k{n}", card=card, now=NOW
            )
    cells = _cells(db)
    dump = "\n".join(cells)
    if db.dialect == "sqlite":
        db.dispose()
        path = Path(migrated_url.removeprefix("sqlite:///"))
        dump += "".join(p.read_bytes().decode("latin-1") for p in path.parent.glob(path.name + "*"))
    assert "4242" in cells  # the last four digits are kept: this is the real data
    for card in cards:
        digits = card.number.replace(" ", "")
        assert digits not in dump
        assert digits[:12] not in dump
        assert card.cvc not in cells


def _cells(db: Database) -> list[str]:
    """Every value of every table, as text."""
    cells: list[str] = []
    with db.engine.connect() as connection:
        for name in inspect(db.engine).get_table_names():
            for row in connection.execute(text(f'SELECT * FROM "{name}"')):
                cells.extend(str(value) for value in row)
    return cells

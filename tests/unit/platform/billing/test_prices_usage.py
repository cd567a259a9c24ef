"""Prices with effective dates, exact request costs, usage recorded once, settlement per day
and model, the balance, and the credit check."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from tests.unit.platform.billing.conftest import NOW, Org
from zgpu.platform.billing import (
    DEFAULT_PRICE,
    LedgerEntry,
    LedgerKind,
    Price,
    UsageCharge,
    adjust_balance,
    balance_of,
    check_credit,
    list_prices,
    price_at,
    record_usage_costs,
    request_cost_micro,
    set_price,
    settle_usage,
    usd,
)
from zgpu.platform.db import Database
from zgpu.platform.errors import InsufficientQuota, InvalidArgument, NotFound, StorageError
from zgpu.platform.logs import RequestLogEntry

SUMMARY = "zlm-v1-summary-cloud"


def entry(
    org: Org,
    n: int,
    *,
    model: str = SUMMARY,
    status: int = 200,
    at: datetime = NOW,
    tokens: tuple[int, int] = (1000, 10),
) -> RequestLogEntry:
    return RequestLogEntry(
        request_id=f"req_{org.id.hex[:8]}_{n}",
        project_id=org.project_id,
        model=model,
        status=status,
        latency_ms=5.0,
        input_tokens=tokens[0],
        output_tokens=tokens[1],
        created_at=at,
    )


def test_cost_is_the_ceiling_of_the_exact_integer_sum() -> None:
    price = Price(200_000, 400_000)
    assert request_cost_micro(price, 1_000_000, 0) == 200_000
    assert request_cost_micro(price, 1, 0) == 1  # 0.2 micro-dollars rounds up to 1
    assert request_cost_micro(price, 3, 1) == 1  # (600_000 + 400_000) / 1e6 = 1 exactly
    assert request_cost_micro(price, 4, 1) == 2  # 1.2 → 2
    assert request_cost_micro(price, 0, 0) == 0
    with pytest.raises(InvalidArgument):
        request_cost_micro(price, -1, 0)


def test_the_migration_seeds_the_default_prices(db: Database) -> None:
    with db.session() as session:
        prices = {p.model: p.price for p in list_prices(session)}
    assert prices == {SUMMARY: DEFAULT_PRICE, "zlm-v1-iab-classify-cloud": DEFAULT_PRICE}


def test_price_changes_take_effect_at_their_date_and_never_rewrite_history(db: Database) -> None:
    later = NOW + timedelta(days=2)
    with db.session() as session:
        set_price(session, SUMMARY, Price(300_000, 900_000), later, now=NOW)
        assert price_at(session, SUMMARY, NOW) == DEFAULT_PRICE
        assert price_at(session, SUMMARY, later) == Price(300_000, 900_000)
        assert price_at(session, "unpriced", NOW, default=Price(1, 2)) == Price(1, 2)
        with pytest.raises(NotFound) as missing:
            price_at(session, "unpriced", NOW)
        assert missing.value.param == "model"
        with pytest.raises(InvalidArgument) as past:
            set_price(session, SUMMARY, Price(1, 1), NOW - timedelta(seconds=1), now=NOW)
        assert past.value.param == "effective_from"
        with pytest.raises(InvalidArgument) as negative:
            set_price(session, SUMMARY, Price(-1, 1), later, now=NOW)
        assert negative.value.param == "input_micro_usd_per_million"


def test_usage_costs_are_recorded_once_at_the_price_of_their_time(db: Database, org: Org) -> None:
    later = NOW + timedelta(days=1)
    with db.session() as session:
        set_price(session, SUMMARY, Price(1_000_000, 2_000_000), later, now=NOW)
    entries = [
        entry(org, 1),  # 1000 × 0.2 + 10 × 0.4 = 204 micro
        entry(org, 2, at=later),  # 1000 × 1 + 10 × 2 = 1020 micro
        entry(org, 3, status=500),  # errors are free
        entry(org, 4, model="zlm-v1-new", tokens=(1, 1)),  # default price: ceil(0.6) = 1
    ]
    with db.session() as session:
        totals = record_usage_costs(session, entries)
    assert totals == {org.id: 204 + 1020 + 1}
    with db.session() as session:
        costs = dict(session.execute(select(UsageCharge.request_id, UsageCharge.cost_micro)).all())
        assert balance_of(session, org.id).available_micro == -(204 + 1020 + 1)
    assert costs == {
        entries[0].request_id: 204,
        entries[1].request_id: 1020,
        entries[3].request_id: 1,
    }
    with pytest.raises(StorageError) as duplicate, db.session() as session:
        record_usage_costs(session, [entries[0]])
    assert isinstance(duplicate.value.__cause__, IntegrityError)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(UsageCharge)) == 3


def test_settlement_writes_one_line_per_day_and_model_and_keeps_the_balance(
    db: Database, org: Org
) -> None:
    day1 = NOW.replace(hour=1)
    day2 = day1 + timedelta(days=1)
    entries = [entry(org, n, at=day1 + timedelta(minutes=n)) for n in range(5)]
    entries += [
        entry(org, 10 + n, at=day1 + timedelta(hours=n), model="zlm-v1-iab-classify-cloud")
        for n in range(3)
    ]
    entries += [entry(org, 20 + n, at=day2 + timedelta(minutes=n)) for n in range(2)]
    with db.session() as session:
        adjust_balance(session, org.id, usd(1), reason="welcome credit", now=day1)
        record_usage_costs(session, entries)
        before = balance_of(session, org.id)
    assert before.available_micro == usd(1) - 204 * 10
    with db.session() as session:  # day 2 has not ended: only day 1 settles
        assert settle_usage(session, day2 + timedelta(hours=5)) == 2
        assert settle_usage(session, day2 + timedelta(hours=6)) == 0
        middle = balance_of(session, org.id)
    assert middle.available_micro == before.available_micro
    assert middle.unsettled_usage_micro == 2 * 204
    with db.session() as session:  # the grace period after midnight, then day 2 settles
        midnight = (day2 + timedelta(days=1)).replace(hour=0, minute=0, second=0)
        assert settle_usage(session, midnight + timedelta(minutes=30)) == 0
        assert settle_usage(session, midnight + timedelta(hours=1)) == 1
        after = balance_of(session, org.id)
        lines = session.execute(
            select(LedgerEntry.description, LedgerEntry.amount_micro, LedgerEntry.status)
            .where(LedgerEntry.kind == LedgerKind.USAGE.value)
            .order_by(LedgerEntry.created_at, LedgerEntry.model)
        ).all()
    assert (after.available_micro, after.unsettled_usage_micro) == (before.available_micro, 0)
    assert [tuple(line) for line in lines] == [
        ("Usage · zlm-v1-iab-classify-cloud · 2026-03-11", -3 * 204, "settled"),
        ("Usage · zlm-v1-summary-cloud · 2026-03-11", -5 * 204, "settled"),
        ("Usage · zlm-v1-summary-cloud · 2026-03-12", -2 * 204, "settled"),
    ]


def test_check_credit_refuses_at_zero_and_says_how_to_add_credit(db: Database, org: Org) -> None:
    with pytest.raises(InsufficientQuota) as caught, db.session() as session:
        check_credit(session, org.id)
    assert caught.value.code == "insufficient_quota"
    assert "$0.00" in caught.value.message
    assert "add-credit" in caught.value.message
    with db.session() as session:
        adjust_balance(session, org.id, 204, reason="exactly one request", now=NOW)
        check_credit(session, org.id)
        record_usage_costs(session, [entry(org, 1)])
    with pytest.raises(InsufficientQuota), db.session() as session:
        check_credit(session, org.id)


def test_hand_entries_refuse_zero_and_wrong_kinds(db: Database, org: Org) -> None:
    with db.session() as session:
        for kwargs, param in (
            ({"amount_micro": 0, "reason": "x"}, "amount_micro"),
            ({"amount_micro": 5, "reason": " "}, "reason"),
            ({"amount_micro": 5, "reason": "x", "kind": LedgerKind.CREDIT}, "kind"),
        ):
            with pytest.raises(InvalidArgument) as caught:
                adjust_balance(session, org.id, now=NOW, **kwargs)  # type: ignore[arg-type]
            assert caught.value.param == param
        refund = adjust_balance(
            session, org.id, -usd(2), reason="card refund", now=NOW, kind=LedgerKind.REFUND
        )
        assert refund.description == "Refund: card refund"
        assert balance_of(session, org.id).available_micro == -usd(2)

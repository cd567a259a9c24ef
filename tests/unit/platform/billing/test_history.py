"""Billing history: every kind of line, signs and statuses, filters, stable pages, CSV."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from tests.unit.platform.billing.conftest import DECLINE, NOW, VISA, Org
from zgpu.platform.billing import (
    Billing,
    HistoryFilter,
    LedgerKind,
    PaymentDeclined,
    adjust_balance,
    billing_history,
    history_csv,
    record_usage_costs,
    settle_usage,
    usd,
)
from zgpu.platform.db import Database
from zgpu.platform.errors import InvalidArgument
from zgpu.platform.logs import RequestLogEntry


def _world(db: Database, org: Org, billing: Billing) -> None:
    billing.add_credit(db, org.id, amount_micro=usd(5), idempotency_key="a", card=VISA, now=NOW)
    with pytest.raises(PaymentDeclined):
        billing.add_credit(
            db,
            org.id,
            amount_micro=usd(10),
            idempotency_key="b",
            card=DECLINE,
            now=NOW + timedelta(seconds=1),
        )
    entries = [
        RequestLogEntry(
            request_id=f"r{n}",
            project_id=org.project_id,
            model="zlm-v1-summary-cloud",
            status=200,
            latency_ms=1.0,
            input_tokens=5000,
            output_tokens=0,
            created_at=NOW + timedelta(days=n // 3, minutes=n),
        )
        for n in range(6)
    ]
    with db.session() as session:
        record_usage_costs(session, entries)
        settle_usage(session, NOW + timedelta(days=1))  # settles the first day
        for n in range(7):
            adjust_balance(
                session, org.id, usd(1), reason=f"goodwill {n}", now=NOW + timedelta(hours=n)
            )
        adjust_balance(
            session,
            org.id,
            -usd(1),
            reason="card refund",
            now=NOW + timedelta(hours=9),
            kind=LedgerKind.REFUND,
        )


def test_history_shows_each_kind_with_sign_and_status(
    db: Database, org: Org, billing: Billing
) -> None:
    _world(db, org, billing)
    with db.session() as session:
        lines = billing_history(session, org.id, limit=200).lines
    summary = [
        (line.description.split(":")[0], line.amount_micro, line.status.value) for line in lines
    ]
    assert summary[0] == ("Usage · zlm-v1-summary-cloud · 2026-03-12", -3 * 1000, "pending")
    assert ("Usage · zlm-v1-summary-cloud · 2026-03-11", -3 * 1000, "settled") in summary
    assert ("Credit", usd(5), "succeeded") in summary
    assert ("Credit failed", usd(10), "failed") in summary
    assert ("Refund", -usd(1), "succeeded") in summary
    assert sum(1 for s in summary if s[0] == "Adjustment") == 7
    counted = sum(line.amount_micro for line in lines if line.counted)
    assert counted == usd(5) + usd(7) - usd(1) - 6 * 1000  # the balance


def test_pages_walk_every_line_once_and_filters_apply(
    db: Database, org: Org, billing: Billing
) -> None:
    _world(db, org, billing)
    with db.session() as session:
        everything = billing_history(session, org.id, limit=200).lines
        seen, cursor = [], None
        while True:
            page = billing_history(session, org.id, cursor=cursor, limit=3)
            seen.extend(page.lines)
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
        assert [line.id for line in seen] == [line.id for line in everything]
        credits = billing_history(
            session, org.id, filters=HistoryFilter(frozenset({LedgerKind.CREDIT}))
        )
        assert {line.status.value for line in credits.lines} == {"succeeded", "failed"}
        window = HistoryFilter(start=NOW + timedelta(hours=2), end=NOW + timedelta(hours=5))
        ranged = billing_history(session, org.id, filters=window).lines
        assert [line.description for line in ranged] == [
            f"Adjustment: goodwill {n}" for n in (4, 3, 2)
        ]
        for kwargs, param in (({"cursor": "nonsense"}, "cursor"), ({"limit": 0}, "limit")):
            with pytest.raises(InvalidArgument) as caught:
                billing_history(session, org.id, **kwargs)
            assert caught.value.param == param


def test_csv_export_has_every_line_with_exact_amounts(
    db: Database, org: Org, billing: Billing
) -> None:
    _world(db, org, billing)
    with db.session() as session:
        text = "".join(history_csv(session, org.id))
        count = len(billing_history(session, org.id, limit=200).lines)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == count
    assert rows[0]["amount_usd"] == "-0.003"
    assert rows[0]["status"] == "pending"
    credit = next(r for r in rows if r["description"] == "Credit")
    assert (credit["amount_usd"], credit["amount_micro"]) == ("+5.00", "5000000")
    assert credit["date"].startswith("2026-03-11T15:12:47")

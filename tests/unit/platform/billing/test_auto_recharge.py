"""Auto recharge: one charge per crossing across concurrent gateways, retries with backoff,
off after three failures (visibly), and a dead process's charge finished exactly once."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from tests.unit.platform.billing.conftest import DECLINE, NOW, VISA, Org
from zgpu.platform.billing import (
    Billing,
    Charge,
    RechargeAction,
    RechargeOutcome,
    TestCardProvider,
    adjust_balance,
    balance_of,
    billing_history,
    get_auto_recharge,
    usd,
)
from zgpu.platform.billing.auto_recharge import _claim
from zgpu.platform.db import Database
from zgpu.platform.errors import InvalidArgument


def _spend(db: Database, org: Org, amount: int, at: datetime) -> None:
    with db.session() as session:
        adjust_balance(session, org.id, -amount, reason="spend", now=at)


def _setup(db: Database, org: Org, billing: Billing, card=VISA) -> None:  # type: ignore[no-untyped-def]
    billing.add_payment_method(db, org.id, card, now=NOW)
    with db.session() as session:
        adjust_balance(session, org.id, usd(10), reason="start", now=NOW)
        billing.configure_auto_recharge(
            session, org.id, enabled=True, threshold_micro=usd(5), amount_micro=usd(20), now=NOW
        )


def _race(
    migrated_url: str, billing: Billing, org: Org, at: datetime, n: int = 4
) -> list[RechargeOutcome]:
    databases = [Database(migrated_url) for _ in range(n)]
    barrier = threading.Barrier(n)
    outcomes: list[RechargeOutcome] = []

    def gateway(database: Database) -> None:
        barrier.wait()
        outcomes.append(billing.run_auto_recharge(database, org.id, now=at))

    threads = [threading.Thread(target=gateway, args=(d,)) for d in databases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for database in databases:
        database.dispose()
    return outcomes


def test_each_crossing_is_charged_once_by_concurrent_gateways(
    db: Database, migrated_url: str, org: Org, billing: Billing, provider: TestCardProvider
) -> None:
    _setup(db, org, billing)
    assert [o.action for o in _race(migrated_url, billing, org, NOW)] == [RechargeAction.IDLE] * 4
    _spend(db, org, usd(6), NOW)  # $4 left: below the $5 threshold
    first = _race(migrated_url, billing, org, NOW)
    assert sorted(o.action for o in first).count(RechargeAction.CHARGED) == 1
    assert len(provider.charges) == 1
    with db.session() as session:
        assert balance_of(session, org.id).available_micro == usd(24)
        assert get_auto_recharge(session, org.id).state == "armed"  # back above: re-armed
    assert [o.action for o in _race(migrated_url, billing, org, NOW)].count(
        RechargeAction.CHARGED
    ) == 0
    _spend(db, org, usd(20), NOW)  # a second crossing
    second = _race(migrated_url, billing, org, NOW + timedelta(minutes=1))
    charged = [o for o in second if o.action is RechargeAction.CHARGED]
    assert len(charged) == 1
    assert charged[0].crossing == 2
    assert len(provider.charges) == 2
    with db.session() as session:
        assert balance_of(session, org.id).available_micro == usd(24)
        lines = billing_history(session, org.id).lines
    assert [line.description for line in lines if line.kind == "auto_recharge"] == [
        "Auto recharge"
    ] * 2


def test_still_below_after_a_recharge_waits_for_the_next_crossing(
    db: Database, org: Org, billing: Billing, provider: TestCardProvider
) -> None:
    _setup(db, org, billing)
    _spend(db, org, usd(40), NOW)  # -$30: a $20 recharge leaves it below the threshold
    assert billing.run_auto_recharge(db, org.id, now=NOW).action is RechargeAction.CHARGED
    assert billing.run_auto_recharge(db, org.id, now=NOW).action is RechargeAction.IDLE
    with db.session() as session:
        assert get_auto_recharge(session, org.id).state == "spent"
        adjust_balance(session, org.id, usd(20), reason="manual top up", now=NOW)
    assert billing.run_auto_recharge(db, org.id, now=NOW).action is RechargeAction.REARMED
    assert len(provider.charges) == 1


def test_failures_back_off_then_turn_auto_recharge_off_visibly(
    db: Database, org: Org, billing: Billing, provider: TestCardProvider
) -> None:
    _setup(db, org, billing, card=DECLINE)
    _spend(db, org, usd(6), NOW)
    assert billing.run_auto_recharge(db, org.id, now=NOW).action is RechargeAction.FAILED
    with db.session() as session:
        state = get_auto_recharge(session, org.id)
    assert (state.state, state.failures, state.next_attempt_at) == (
        "retry",
        1,
        NOW + timedelta(seconds=60),
    )
    assert (
        billing.run_auto_recharge(db, org.id, now=NOW + timedelta(seconds=30)).action
        is RechargeAction.IDLE
    )
    second = NOW + timedelta(seconds=61)
    assert billing.run_auto_recharge(db, org.id, now=second).action is RechargeAction.FAILED
    third = second + timedelta(seconds=301)
    assert billing.run_auto_recharge(db, org.id, now=third).action is RechargeAction.TURNED_OFF
    assert (
        billing.run_auto_recharge(db, org.id, now=third + timedelta(days=1)).action
        is RechargeAction.OFF
    )
    with db.session() as session:
        state = get_auto_recharge(session, org.id)
        failed = [
            line for line in billing_history(session, org.id).lines if line.status == "failed"
        ]
        keys = sorted(session.scalars(select(Charge.idempotency_key)))
    assert not state.enabled
    assert state.failures == 3
    assert state.disabled_reason is not None
    assert "3 auto recharge charges failed" in state.disabled_reason
    assert (state.disabled_at, state.last_failure_code) == (third, "card_declined")
    assert len(failed) == 3
    assert not any(line.counted for line in failed)
    assert keys == ["auto_recharge:1:1", "auto_recharge:1:2", "auto_recharge:1:3"]
    assert provider.charges == []


def test_a_claim_left_by_a_dead_process_is_finished_once(
    db: Database, org: Org, billing: Billing, provider: TestCardProvider
) -> None:
    _setup(db, org, billing)
    _spend(db, org, usd(6), NOW)
    with db.session() as session:  # a gateway claims the crossing, then dies before charging
        _claim(session, org.id, billing.config, NOW, NOW.date())
    assert (
        billing.run_auto_recharge(db, org.id, now=NOW + timedelta(seconds=10)).action
        is RechargeAction.BUSY
    )
    later = NOW + timedelta(seconds=billing.config.stale_claim_s + 1)
    assert billing.run_auto_recharge(db, org.id, now=later).action is RechargeAction.CHARGED
    with db.session() as session:
        assert balance_of(session, org.id).available_micro == usd(24)
        assert [c.status for c in session.scalars(select(Charge))] == ["succeeded"]
    assert len(provider.charges) == 1


def test_settings_are_validated(db: Database, org: Org, billing: Billing) -> None:
    with db.session() as session:
        for kwargs, param in (
            ({"threshold_micro": -1}, "threshold"),
            ({"amount_micro": usd(1)}, "amount"),
            ({"amount_micro": usd(10_001)}, "amount"),
            ({}, "payment_method_id"),  # nothing to charge yet
        ):
            arguments = {
                "enabled": True,
                "threshold_micro": usd(5),
                "amount_micro": usd(10),
            } | kwargs
            with pytest.raises(InvalidArgument) as caught:
                billing.configure_auto_recharge(session, org.id, now=NOW, **arguments)  # type: ignore[arg-type]
            assert caught.value.param == param
        off = billing.configure_auto_recharge(
            session, org.id, enabled=False, threshold_micro=0, amount_micro=usd(10), now=NOW
        )
    assert not off.enabled

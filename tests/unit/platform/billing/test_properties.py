"""Billing under random concurrent interleavings, on SQLite and PostgreSQL.

Each example runs two or three threads, each acting as a gateway with its own ``Database``
(its own connection pool, as separate processes would have). They interleave requests
(credit check, then the usage charge written like the log writer does), credit purchases and
their replays, idempotency conflicts, auto recharges, price changes and settlements. Afterwards:

- the balance equals the ledger sum minus unsettled usage, computed independently;
- every admitted request is billed exactly once, at the price in effect at its time;
- every successful processor charge is in the ledger once, and no crossing was charged twice;
- the lowest balance any gateway saw is within the overdraft bound (gateways × max cost).

Prices change effective at the next clock tick, and a price change holds the clock while it
commits; so a request stamped after the change always sees it (as with prices announced ahead).
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from tests.unit.platform.billing.conftest import VISA, new_org
from zgpu.platform.billing import (
    Billing,
    BillingConfig,
    Charge,
    IdempotencyConflict,
    LedgerEntry,
    Price,
    TestCardProvider,
    UsageCharge,
    adjust_balance,
    balance_of,
    check_credit,
    max_request_cost_micro,
    overdraft_bound_micro,
    price_at,
    record_usage_costs,
    request_cost_micro,
    set_price,
    settle_usage,
    usd,
)
from zgpu.platform.db import Database
from zgpu.platform.errors import InsufficientQuota
from zgpu.platform.logs import RequestLogEntry

MODELS = ("zlm-v1-summary-cloud", "zlm-v1-iab-classify-cloud")
PRICES = (Price(200_000, 400_000), Price(500_000, 1_500_000), Price(100_000, 50_000))
MAX_IN, MAX_OUT = 4_000_000, 1_000_000  # large, so a few requests cross real thresholds
MAX_COST = max(max_request_cost_micro(p, MAX_IN, MAX_OUT) for p in PRICES)
START = datetime(2026, 3, 9, 20, 0, tzinfo=UTC)
TICK = timedelta(hours=1)

operation = st.one_of(
    st.tuples(
        st.just("request"), st.integers(0, 1), st.integers(0, MAX_IN), st.integers(0, MAX_OUT)
    ),
    st.tuples(st.just("credit"), st.sampled_from((usd(5), usd(10)))),
    st.tuples(st.just("replay")),
    st.tuples(st.just("conflict")),
    st.tuples(st.just("recharge")),
    st.tuples(st.just("price"), st.integers(0, 1), st.integers(0, len(PRICES) - 1)),
    st.tuples(st.just("settle")),
)
scenario = st.fixed_dictionaries(
    {
        "gateways": st.lists(st.lists(operation, min_size=1, max_size=10), min_size=2, max_size=3),
        "start_micro": st.integers(0, usd(8)),
        "auto_recharge": st.booleans(),
    }
)


_EXAMPLES = itertools.count()


class Clock:
    """A shared clock that ticks an hour per operation; price changes hold it while they
    commit. Each example starts a week after the previous one (prices are global)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.start = START + next(_EXAMPLES) * timedelta(days=7)
        self._ticks = 0

    def tick(self) -> datetime:
        """The next instant (call with ``lock`` held)."""
        self._ticks += 1
        return self.start + self._ticks * TICK

    def now(self) -> datetime:
        """The next instant."""
        with self.lock:
            return self.tick()


@dataclass
class Gateway:
    """What one gateway thread did and saw."""

    name: str
    admitted: list[str] = field(default_factory=list)
    lowest_balance: int | None = None
    errors: list[BaseException] = field(default_factory=list)
    last_credit: tuple[str, int] | None = None


@pytest.fixture
def gateways(migrated_url: str) -> Iterator[list[Database]]:
    """Three databases on the same URL: one per simulated gateway process."""
    databases = [Database(migrated_url, pool_size=2) for _ in range(3)]
    yield databases
    for database in databases:
        database.dispose()


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan=scenario)
def test_balance_is_exact_and_charges_are_exactly_once(
    db: Database, gateways: list[Database], plan: dict[str, Any]
) -> None:
    org = new_org(db)
    clock = Clock()
    provider = TestCardProvider()
    billing = Billing(provider, BillingConfig())
    method = billing.add_payment_method(db, org.id, VISA, now=clock.start)
    with db.session() as session:
        if plan["start_micro"]:
            adjust_balance(session, org.id, plan["start_micro"], reason="start", now=clock.start)
        if plan["auto_recharge"]:
            billing.configure_auto_recharge(
                session,
                org.id,
                enabled=True,
                threshold_micro=usd(5),
                amount_micro=usd(5),
                now=clock.start,
            )
    barrier = threading.Barrier(len(plan["gateways"]))
    states = [Gateway(f"g{n}") for n in range(len(plan["gateways"]))]

    def run(state: Gateway, database: Database, ops: list[tuple[Any, ...]]) -> None:
        barrier.wait()
        for index, op in enumerate(ops):
            try:
                _apply(
                    op,
                    f"{org.id.hex[:8]}-{state.name}-{index}",
                    state,
                    database,
                    billing,
                    org,
                    method.id,
                    clock,
                )
            except BaseException as exc:
                state.errors.append(exc)

    threads = [
        threading.Thread(target=run, args=(state, gateways[n], ops))
        for n, (state, ops) in enumerate(zip(states, plan["gateways"], strict=True))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [e for s in states for e in s.errors] == []
    _check(db, org.id, provider, states)


def _apply(
    op: tuple[Any, ...],
    name: str,
    state: Gateway,
    database: Database,
    billing: Billing,
    org: Any,
    method_id: Any,
    clock: Clock,
) -> None:
    kind = op[0]
    if kind == "price":
        with clock.lock:  # nobody is stamped after the change until it is committed
            at = clock.tick()
            with database.session() as session:
                set_price(session, MODELS[op[1]], PRICES[op[2]], at + TICK, now=at)
        return
    at = clock.now()
    if kind == "request":
        try:
            with database.session() as session:
                check_credit(session, org.id)
        except InsufficientQuota:
            return
        entry = RequestLogEntry(
            request_id=name,
            project_id=org.project_id,
            model=MODELS[op[1]],
            status=200,
            latency_ms=1.0,
            input_tokens=op[2],
            output_tokens=op[3],
            created_at=at,
        )
        with database.session() as session:
            record_usage_costs(session, [entry])
        state.admitted.append(name)
        with database.session() as session:
            seen = balance_of(session, org.id).available_micro
        state.lowest_balance = (
            seen if state.lowest_balance is None else min(state.lowest_balance, seen)
        )
    elif kind == "credit":
        billing.add_credit(
            database,
            org.id,
            amount_micro=op[1],
            idempotency_key=name,
            payment_method_id=method_id,
            now=at,
        )
        state.last_credit = (name, op[1])
    elif kind == "replay" and state.last_credit is not None:
        key, amount = state.last_credit
        receipt = billing.add_credit(
            database,
            org.id,
            amount_micro=amount,
            idempotency_key=key,
            payment_method_id=method_id,
            now=at,
        )
        assert receipt.replayed
    elif kind == "conflict" and state.last_credit is not None:
        key, amount = state.last_credit
        with pytest.raises(IdempotencyConflict):
            billing.add_credit(
                database,
                org.id,
                amount_micro=amount + usd(1),
                idempotency_key=key,
                payment_method_id=method_id,
                now=at,
            )
    elif kind == "recharge":
        billing.run_auto_recharge(database, org.id, now=at)
    elif kind == "settle":
        with database.session() as session:
            settle_usage(session, at)


def _check(
    db: Database, organization_id: Any, provider: TestCardProvider, states: list[Gateway]
) -> None:
    with db.session() as session:
        balance = balance_of(session, organization_id)
        ledger = session.scalar(
            select(func.coalesce(func.sum(LedgerEntry.amount_micro), 0)).where(
                LedgerEntry.organization_id == organization_id
            )
        )
        charges = session.scalars(
            select(UsageCharge).where(UsageCharge.organization_id == organization_id)
        ).all()
        unsettled = sum(c.cost_micro for c in charges if c.settled_at is None)
        settled_usage = session.scalar(
            select(func.coalesce(func.sum(LedgerEntry.amount_micro), 0)).where(
                LedgerEntry.organization_id == organization_id, LedgerEntry.kind == "usage"
            )
        )
        bought = (
            session.execute(
                select(LedgerEntry.amount_micro).where(
                    LedgerEntry.organization_id == organization_id,
                    LedgerEntry.kind.in_(("credit", "auto_recharge")),
                )
            )
            .scalars()
            .all()
        )
        crossings = session.scalars(
            select(Charge.crossing).where(
                Charge.organization_id == organization_id,
                Charge.kind == "auto_recharge",
                Charge.status == "succeeded",
            )
        ).all()
        for charge in charges:
            price = price_at(session, charge.model, charge.created_at)
            expected = request_cost_micro(price, charge.input_tokens, charge.output_tokens)
            assert charge.cost_micro == expected, charge.request_id

    assert (balance.ledger_micro, balance.unsettled_usage_micro) == (ledger, unsettled)
    admitted = [name for state in states for name in state.admitted]
    assert sorted(c.request_id for c in charges) == sorted(admitted)  # each exactly once
    assert -int(settled_usage or 0) + unsettled == sum(c.cost_micro for c in charges)
    assert sorted(bought) == sorted(amount for _, amount in provider.charges)
    assert len(crossings) == len(set(crossings))
    bound = overdraft_bound_micro(len(states), MAX_COST)
    lowest = [s.lowest_balance for s in states if s.lowest_balance is not None]
    assert min([*lowest, balance.available_micro]) >= -bound

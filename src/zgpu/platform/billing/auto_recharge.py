"""Auto recharge: top up once each time the balance falls below the threshold.

Each organization has one ``billing_auto_recharge`` row, a small state machine::

    armed ──balance < threshold──▶ charging ──succeeded──▶ armed (or spent, if still below)
                                     │  ▲                    spent ──balance ≥ threshold──▶ armed
                               failed│  │retry due
                                     ▼  │
                                    retry ──3rd failure──▶ auto recharge off (reason kept)

Every transition is a compare-and-set ``UPDATE … WHERE version = :seen`` that bumps
``version``. However many gateway processes see the balance cross the threshold at once, exactly
one of them moves the row from ``armed`` to ``charging`` and so owns the crossing; the others
see ``rowcount = 0`` and do nothing. The owner inserts the pending charge (idempotency key
``auto_recharge:<crossing>:<attempt>``) in the same transaction, calls the processor outside
any transaction, then completes the charge and moves the row on. A unique index also allows at
most one succeeded auto recharge per crossing. If the owner dies mid-charge, its claim goes
stale after ``BillingConfig.stale_claim_s`` and another process finishes the same charge with
the same key (processors are idempotent per key), so nothing is charged twice.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from zgpu.platform.billing.charges import (
    PendingCharge,
    call_provider,
    complete_charge,
    insert_charge,
    pending_of,
)
from zgpu.platform.billing.ledger import balance_of
from zgpu.platform.billing.models import AutoRechargeState, Charge
from zgpu.platform.billing.money import check_amount
from zgpu.platform.billing.payment_methods import default_payment_method, get_payment_method
from zgpu.platform.billing.providers.base import PaymentProvider
from zgpu.platform.billing.schemas import AutoRechargeSettings, BillingConfig, LedgerKind
from zgpu.platform.db.session import Database
from zgpu.platform.errors import Conflict, InvalidArgument


class RechargeAction(StrEnum):
    """What one ``run_auto_recharge`` call did."""

    OFF = "off"
    IDLE = "idle"
    REARMED = "rearmed"
    BUSY = "busy"
    CHARGED = "charged"
    FAILED = "failed"
    TURNED_OFF = "turned_off"


@dataclass(frozen=True, slots=True)
class RechargeOutcome:
    """The action taken and, when a charge was attempted, its id and crossing."""

    action: RechargeAction
    charge_id: uuid.UUID | None = None
    crossing: int | None = None


def get_auto_recharge(session: Session, organization_id: uuid.UUID) -> AutoRechargeSettings:
    """The organization's auto recharge settings and state (off with zero amounts when it
    was never configured)."""
    row = session.get(AutoRechargeState, organization_id, populate_existing=True)
    if row is None:
        return AutoRechargeSettings(
            organization_id, False, 0, 0, None, "armed", 0, None, None, None, None, None, None
        )
    return _settings(row)


def configure_auto_recharge(
    session: Session,
    organization_id: uuid.UUID,
    *,
    enabled: bool,
    threshold_micro: int,
    amount_micro: int,
    payment_method_id: uuid.UUID | None,
    config: BillingConfig,
    now: datetime,
) -> AutoRechargeSettings:
    """Set auto recharge. ``payment_method_id`` ``None`` means the default method.

    Turning it on (again) clears past failures and arms it, so a balance already below the
    threshold is topped up by the next ``run_auto_recharge``. Raises ``InvalidArgument``
    naming the field for a negative threshold, an amount outside the credit limits, or no
    usable payment method (``NotFound`` for an unknown ``payment_method_id``), and
    ``Conflict`` if the row changed concurrently.
    """
    check_amount(
        threshold_micro, param="threshold", minimum_micro=0, maximum_micro=config.max_credit_micro
    )
    check_amount(
        amount_micro,
        param="amount",
        minimum_micro=config.min_credit_micro,
        maximum_micro=config.max_credit_micro,
    )
    if payment_method_id is not None:
        get_payment_method(session, organization_id, payment_method_id)
    elif enabled and default_payment_method(session, organization_id) is None:
        raise InvalidArgument(
            "Add a payment method before turning on auto recharge.", param="payment_method_id"
        )
    row = session.get(AutoRechargeState, organization_id, populate_existing=True)
    values: dict[str, Any] = {
        "enabled": enabled,
        "threshold_micro": threshold_micro,
        "amount_micro": amount_micro,
        "payment_method_id": payment_method_id,
        "updated_at": now,
    }
    if row is None:
        session.add(AutoRechargeState(organization_id=organization_id, state="armed", **values))
        session.flush()
    else:
        if enabled and not row.enabled:
            values |= {
                "state": "armed",
                "failures": 0,
                "next_attempt_at": None,
                "charge_id": None,
                "disabled_reason": None,
                "disabled_at": None,
            }
        if not _cas(session, organization_id, row.version, values):
            raise Conflict("auto recharge settings changed concurrently; retry")
    return get_auto_recharge(session, organization_id)


def run_auto_recharge(
    db: Database,
    provider: PaymentProvider,
    organization_id: uuid.UUID,
    *,
    config: BillingConfig,
    now: datetime,
    today: date | None = None,
) -> RechargeOutcome:
    """Look at the organization's balance and act on auto recharge (see the module doc).

    Call it after recording usage (off the request path) and periodically (retries are due
    by time). Safe to call from many threads and processes at once. Opens its own
    transactions and calls the processor between them; raises ``StorageError`` if the
    database fails (the state then stays where its last commit left it).
    """
    today = today or now.date()
    with db.session() as session:
        claim = _claim(session, organization_id, config, now, today)
    if not isinstance(claim, _Claim):
        return claim
    result = call_provider(provider, claim.pending)
    with db.session() as session:
        complete_charge(session, claim.pending.charge_id, result, now)
        return _after_charge(
            session,
            claim,
            result.succeeded,
            result.failure_code,
            result.failure_message,
            config,
            now,
        )


def sweep_auto_recharges(
    db: Database, provider: PaymentProvider, *, config: BillingConfig, now: datetime
) -> list[RechargeOutcome]:
    """``run_auto_recharge`` for every organization with auto recharge on (retries due,
    stale claims, crossings no request noticed). Returns the outcomes that did something."""
    with db.session() as session:
        organizations = list(
            session.scalars(
                select(AutoRechargeState.organization_id)
                .where(AutoRechargeState.enabled.is_(True))
                .order_by(AutoRechargeState.organization_id)
            )
        )
    outcomes = [
        run_auto_recharge(db, provider, organization_id, config=config, now=now)
        for organization_id in organizations
    ]
    return [o for o in outcomes if o.action not in (RechargeAction.IDLE, RechargeAction.OFF)]


@dataclass(frozen=True, slots=True)
class _Claim:
    version: int
    crossing: int
    pending: PendingCharge


def _claim(
    session: Session, organization_id: uuid.UUID, config: BillingConfig, now: datetime, today: date
) -> _Claim | RechargeOutcome:
    row = session.get(AutoRechargeState, organization_id, populate_existing=True)
    if row is None or not row.enabled:
        return RechargeOutcome(RechargeAction.OFF)
    below = balance_of(session, organization_id).available_micro < row.threshold_micro
    if row.state == "spent" or (row.state == "retry" and not below):
        if below:
            return RechargeOutcome(RechargeAction.IDLE)
        changes = {"state": "armed", "failures": 0, "next_attempt_at": None}
        won = _cas(session, organization_id, row.version, changes)
        return RechargeOutcome(RechargeAction.REARMED if won else RechargeAction.BUSY)
    if row.state == "charging":
        stale = row.claimed_at is None or row.claimed_at <= now - timedelta(
            seconds=config.stale_claim_s
        )
        if not stale or row.charge_id is None:
            return RechargeOutcome(RechargeAction.BUSY)
        if not _cas(session, organization_id, row.version, {"claimed_at": now}):
            return RechargeOutcome(RechargeAction.BUSY)
        charge = session.get(Charge, row.charge_id)
        assert charge is not None
        return _Claim(row.version + 1, row.crossing, pending_of(session, charge, today))
    due = row.state == "armed" or (row.next_attempt_at is not None and row.next_attempt_at <= now)
    if not below or not due:
        return RechargeOutcome(RechargeAction.IDLE)
    crossing = row.crossing + 1 if row.state == "armed" else row.crossing
    attempt = 1 if row.state == "armed" else row.failures + 1
    method = (
        get_payment_method(session, organization_id, row.payment_method_id)
        if row.payment_method_id is not None
        else default_payment_method(session, organization_id)
    )
    if method is None:
        changes = _disable("no payment method is available for auto recharge", now)
        won = _cas(session, organization_id, row.version, changes)
        return RechargeOutcome(RechargeAction.TURNED_OFF if won else RechargeAction.BUSY)
    charge_id = uuid.uuid4()
    claimed = {
        "state": "charging",
        "crossing": crossing,
        "claimed_at": now,
        "charge_id": charge_id,
        "failures": 0 if row.state == "armed" else row.failures,
    }
    if not _cas(session, organization_id, row.version, claimed):
        return RechargeOutcome(RechargeAction.BUSY)
    charge = insert_charge(
        session,
        organization_id=organization_id,
        kind=LedgerKind.AUTO_RECHARGE,
        key=f"auto_recharge:{crossing}:{attempt}",
        fingerprint=f"auto_recharge:{crossing}:{attempt}",
        amount_micro=row.amount_micro,
        payment_method_id=method.id,
        now=now,
        crossing=crossing,
        charge_id=charge_id,
    )
    return _Claim(row.version + 1, crossing, pending_of(session, charge, today))


def _after_charge(
    session: Session,
    claim: _Claim,
    succeeded: bool,
    failure_code: str | None,
    failure_message: str | None,
    config: BillingConfig,
    now: datetime,
) -> RechargeOutcome:
    organization_id = claim.pending.organization_id
    row = session.get(AutoRechargeState, organization_id, populate_existing=True)
    assert row is not None
    if succeeded:
        below = balance_of(session, organization_id).available_micro < row.threshold_micro
        changes: dict[str, Any] = {
            "state": "spent" if below else "armed",
            "failures": 0,
            "charge_id": None,
            "claimed_at": None,
            "next_attempt_at": None,
        }
        _cas(session, organization_id, claim.version, changes)
        return RechargeOutcome(RechargeAction.CHARGED, claim.pending.charge_id, claim.crossing)
    failures = row.failures + 1
    message = failure_message or "The charge failed."
    changes = {
        "failures": failures,
        "charge_id": None,
        "claimed_at": None,
        "last_failure_code": failure_code,
        "last_failure_message": message[:300],
        "last_failure_at": now,
    }
    if failures >= config.max_recharge_failures:
        reason = f"{failures} auto recharge charges failed in a row (last: {message})"
        changes |= _disable(reason, now)
        action = RechargeAction.TURNED_OFF
    else:
        backoff = config.retry_backoff_s[min(failures, len(config.retry_backoff_s)) - 1]
        changes |= {"state": "retry", "next_attempt_at": now + timedelta(seconds=backoff)}
        action = RechargeAction.FAILED
    _cas(session, organization_id, claim.version, changes)
    return RechargeOutcome(action, claim.pending.charge_id, claim.crossing)


def _disable(reason: str, now: datetime) -> dict[str, Any]:
    return {
        "enabled": False,
        "state": "armed",
        "next_attempt_at": None,
        "charge_id": None,
        "claimed_at": None,
        "disabled_reason": reason[:300],
        "disabled_at": now,
    }


def _cas(
    session: Session, organization_id: uuid.UUID, version: int, values: dict[str, Any]
) -> bool:
    """Apply ``values`` if the row is still at ``version`` (bumping it); whether it was."""
    result = session.execute(
        update(AutoRechargeState)
        .where(
            AutoRechargeState.organization_id == organization_id,
            AutoRechargeState.version == version,
        )
        .values(version=version + 1, **values)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def _settings(row: AutoRechargeState) -> AutoRechargeSettings:
    return AutoRechargeSettings(
        organization_id=row.organization_id,
        enabled=row.enabled,
        threshold_micro=row.threshold_micro,
        amount_micro=row.amount_micro,
        payment_method_id=row.payment_method_id,
        state=row.state,
        failures=row.failures,
        next_attempt_at=row.next_attempt_at,
        last_failure_code=row.last_failure_code,
        last_failure_message=row.last_failure_message,
        last_failure_at=row.last_failure_at,
        disabled_reason=row.disabled_reason,
        disabled_at=row.disabled_at,
    )

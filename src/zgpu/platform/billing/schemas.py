"""What the billing services take and give back: plain frozen dataclasses, no ORM objects."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Final

from zgpu.platform.billing.money import usd


class LedgerKind(StrEnum):
    """The kind of a ledger entry (and of a billing history line)."""

    CREDIT = "credit"
    AUTO_RECHARGE = "auto_recharge"
    USAGE = "usage"
    REFUND = "refund"
    ADJUSTMENT = "adjustment"


KIND_TITLES: Final = {
    LedgerKind.CREDIT: "Credit",
    LedgerKind.AUTO_RECHARGE: "Auto recharge",
    LedgerKind.USAGE: "Usage",
    LedgerKind.REFUND: "Refund",
    LedgerKind.ADJUSTMENT: "Adjustment",
}
"""The description shown in the billing history for each kind."""


class EntryStatus(StrEnum):
    """The status of a billing history line."""

    SUCCEEDED = "succeeded"
    SETTLED = "settled"
    PENDING = "pending"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class BillingConfig:
    """Limits of the billing services (passed in; built from settings by the caller).

    ``credit_presets_micro`` are the amounts the dashboard offers as buttons;
    ``max_credit_micro`` bounds one purchase and any auto recharge amount. A failed auto
    recharge is retried after ``retry_backoff_s[n]`` seconds (the last value repeats) and
    auto recharge turns itself off after ``max_recharge_failures`` failures in a row. A claim
    older than ``stale_claim_s`` (its process died mid-charge) may be taken over.
    ``settlement_grace_s`` is how long after a UTC day ends its usage is settled.
    ``price_admin_organizations``: members allowed ``billing.manage`` in one of these may
    change model prices through the management API (none by default: operators use the CLI).
    """

    min_credit_micro: int = usd(5)
    max_credit_micro: int = usd(10_000)
    credit_presets_micro: tuple[int, ...] = (usd(10), usd(25), usd(50), usd(100))
    max_recharge_failures: int = 3
    retry_backoff_s: tuple[float, ...] = (60.0, 300.0, 1800.0)
    stale_claim_s: float = 300.0
    settlement_grace_s: float = 3600.0
    price_admin_organizations: frozenset[uuid.UUID] = frozenset()


@dataclass(frozen=True, slots=True)
class Balance:
    """An organization's credit: ``ledger_micro`` (sum of the ledger) minus
    ``unsettled_usage_micro`` (usage recorded but not yet settled) is ``available_micro``."""

    organization_id: uuid.UUID
    ledger_micro: int
    unsettled_usage_micro: int

    @property
    def available_micro(self) -> int:
        """What the organization can spend: the balance shown everywhere."""
        return self.ledger_micro - self.unsettled_usage_micro


@dataclass(frozen=True, slots=True)
class CardDetails:
    """A card as typed into the checkout form. Never stored: only tokenized."""

    number: str
    exp: str = field(repr=False)
    cvc: str = field(repr=False)
    country: str

    def __repr__(self) -> str:
        return f"CardDetails(number='…{self.number[-4:]}', country={self.country!r})"


@dataclass(frozen=True, slots=True)
class PaymentMethodInfo:
    """A saved payment method as shown: brand, last four digits, expiry, country."""

    id: uuid.UUID
    organization_id: uuid.UUID
    brand: str
    last4: str
    exp_month: int
    exp_year: int
    country: str
    is_default: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class CreditReceipt:
    """The outcome of a credit purchase (the same one for every retry of its key).

    ``replayed`` is true when the key had already been used and nothing new was charged.
    """

    charge_id: uuid.UUID
    organization_id: uuid.UUID
    amount_micro: int
    status: str
    payment_method_id: uuid.UUID
    ledger_entry_id: int | None
    created_at: datetime
    replayed: bool = False


@dataclass(frozen=True, slots=True)
class AutoRechargeSettings:
    """Auto recharge as configured and its current state.

    ``state`` is ``armed`` (a fall below the threshold will charge), ``charging``,
    ``retry`` (a failed charge will be retried at ``next_attempt_at``) or ``spent`` (this
    crossing was charged; re-armed once the balance is back at or above the threshold).
    ``disabled_reason``/``disabled_at`` tell why and when it turned itself off.
    """

    organization_id: uuid.UUID
    enabled: bool
    threshold_micro: int
    amount_micro: int
    payment_method_id: uuid.UUID | None
    state: str
    failures: int
    next_attempt_at: datetime | None
    last_failure_code: str | None
    last_failure_message: str | None
    last_failure_at: datetime | None
    disabled_reason: str | None
    disabled_at: datetime | None


@dataclass(frozen=True, slots=True)
class HistoryLine:
    """One line of the billing history.

    ``amount_micro`` is signed. ``counted`` is false for lines that did not move money
    (failed charges); pending usage lines are counted in the balance but not yet settled.
    ``id`` is ``L<n>`` for a ledger entry, ``C<uuid>`` for a failed charge and
    ``U<day>:<model>`` for pending usage.
    """

    id: str
    created_at: datetime
    kind: LedgerKind
    description: str
    amount_micro: int
    status: EntryStatus
    counted: bool
    reference: str | None = None
    model: str | None = None


@dataclass(frozen=True, slots=True)
class HistoryPage:
    """A page of history, newest first; pass ``next_cursor`` to get the next page."""

    lines: list[HistoryLine]
    next_cursor: str | None

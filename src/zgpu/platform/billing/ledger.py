"""The ledger of an organization, its balance, and the credit check on the request path.

The ledger only grows: entries are inserted, never updated or deleted. The balance is computed,
never stored::

    available = sum(ledger.amount_micro) − sum(unsettled usage_charges.cost_micro)

so it is exact at every commit: a usage charge leaves the second sum in the same transaction
that adds its settlement line to the first.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zgpu.platform.billing.models import LedgerEntry, UsageCharge
from zgpu.platform.billing.money import format_usd
from zgpu.platform.billing.schemas import KIND_TITLES, Balance, EntryStatus, LedgerKind
from zgpu.platform.db.integrity import flush_or_conflict
from zgpu.platform.db.types import utc_now
from zgpu.platform.errors import InsufficientQuota, InvalidArgument

ADD_CREDIT_HINT = (
    "Add credit on the Billing page of the dashboard, with `zgpu billing add-credit`, or with "
    "POST /v1/organization/billing/credit; or turn on auto recharge."
)


def balance_of(session: Session, organization_id: uuid.UUID) -> Balance:
    """The organization's balance (see the module doc); zero for an organization with no
    billing activity. Reads only; does not check that the organization exists."""
    ledger = session.scalar(
        select(func.coalesce(func.sum(LedgerEntry.amount_micro), 0)).where(
            LedgerEntry.organization_id == organization_id
        )
    )
    unsettled = session.scalar(
        select(func.coalesce(func.sum(UsageCharge.cost_micro), 0)).where(
            UsageCharge.organization_id == organization_id, UsageCharge.settled_at.is_(None)
        )
    )
    return Balance(organization_id, int(ledger or 0), int(unsettled or 0))


def check_credit(session: Session, organization_id: uuid.UUID) -> None:
    """Return when the organization's available balance is above zero.

    Raises ``InsufficientQuota`` (HTTP 402, ``insufficient_quota``) at or below zero, with a
    message giving the balance and how to add credit. Requests admitted before the balance
    crosses zero still finish: see docs/billing.md for the overdraft this allows.
    """
    balance = balance_of(session, organization_id)
    if balance.available_micro <= 0:
        raise InsufficientQuota(
            f"Your organization is out of credit (balance {format_usd(balance.available_micro)}). "
            + ADD_CREDIT_HINT
        )


def append_entry(
    session: Session,
    organization_id: uuid.UUID,
    kind: LedgerKind,
    amount_micro: int,
    *,
    created_at: datetime,
    description: str | None = None,
    status: EntryStatus = EntryStatus.SUCCEEDED,
    reference: str | None = None,
    model: str | None = None,
    usage_day: datetime | None = None,
) -> LedgerEntry:
    """Insert one ledger entry and flush it. Does not commit.

    Raises ``InvalidArgument`` when the sign does not suit the kind (credits and auto
    recharges positive, usage zero or negative, refunds and adjustments non-zero) and
    ``Conflict`` when ``reference`` was already used (the movement is already recorded).
    """
    _check_sign(kind, amount_micro)
    entry = LedgerEntry(
        organization_id=organization_id,
        kind=kind.value,
        amount_micro=amount_micro,
        description=(description or KIND_TITLES[kind])[:200],
        status=status.value,
        reference=reference,
        model=model,
        usage_day=usage_day,
        created_at=created_at,
    )
    session.add(entry)
    flush_or_conflict(
        session, f"ledger reference {reference!r} is already recorded", param="reference"
    )
    return entry


def adjust_balance(
    session: Session,
    organization_id: uuid.UUID,
    amount_micro: int,
    *,
    reason: str,
    now: datetime,
    kind: LedgerKind = LedgerKind.ADJUSTMENT,
    reference: str | None = None,
) -> LedgerEntry:
    """An operator's adjustment or refund: a signed, non-zero amount with a reason.

    Raises ``InvalidArgument`` for a zero amount, an empty reason or another kind than
    adjustment or refund; ``Conflict`` for a reused ``reference``.
    """
    if kind not in (LedgerKind.ADJUSTMENT, LedgerKind.REFUND):
        raise InvalidArgument("only adjustments and refunds can be entered by hand", param="kind")
    reason = reason.strip()
    if not reason:
        raise InvalidArgument("an adjustment needs a reason", param="reason")
    description = f"{KIND_TITLES[kind]}: {reason}"
    return append_entry(
        session,
        organization_id,
        kind,
        amount_micro,
        created_at=now,
        description=description,
        reference=reference,
    )


def _check_sign(kind: LedgerKind, amount_micro: int) -> None:
    if isinstance(amount_micro, bool) or not isinstance(amount_micro, int):
        raise InvalidArgument("amount must be an integer of micro-dollars", param="amount_micro")
    if kind in (LedgerKind.CREDIT, LedgerKind.AUTO_RECHARGE) and amount_micro <= 0:
        raise InvalidArgument(f"a {kind.value} must be positive", param="amount_micro")
    if kind is LedgerKind.USAGE and amount_micro > 0:
        raise InvalidArgument("usage must not be positive", param="amount_micro")
    if kind in (LedgerKind.REFUND, LedgerKind.ADJUSTMENT) and amount_micro == 0:
        raise InvalidArgument(f"a {kind.value} must not be zero", param="amount_micro")


def grant_welcome_credit(session: Session, organization_id: uuid.UUID, amount_micro: int) -> None:
    """Credit a new organization with ``amount_micro`` (an adjustment); nothing when zero."""
    if amount_micro > 0:
        adjust_balance(
            session, organization_id, amount_micro, reason="welcome credit", now=utc_now()
        )

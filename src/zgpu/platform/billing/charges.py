"""Idempotent charges: a pending row, one processor call, then a compare-and-set completion.

A charge moves money in three steps, each its own transaction or call:

1. ``begin_charge``: insert a ``pending`` row under ``(organization_id, idempotency_key)``
   (unique). The same key again finds that row: with another request body it is an
   ``IdempotencyConflict``; otherwise the stored outcome is replayed.
2. ``PaymentProvider.charge`` with the key, outside any transaction. Processors are
   idempotent per key, so calling again for a row still ``pending`` (a retry, or a process
   that died after step 1) charges the card at most once.
3. ``complete_charge``: ``UPDATE … WHERE status = 'pending'`` (compare-and-set). Only the
   caller that flips the row writes the ledger credit, whose reference ``charge:<id>`` is
   unique as well. A charge is therefore credited exactly once.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from zgpu.platform.billing.errors import IdempotencyConflict
from zgpu.platform.billing.ledger import append_entry
from zgpu.platform.billing.models import Charge, LedgerEntry, PaymentMethod
from zgpu.platform.billing.providers.base import ChargeResult, PaymentProvider
from zgpu.platform.billing.providers.cards import card_expired
from zgpu.platform.billing.schemas import CreditReceipt, LedgerKind
from zgpu.platform.errors import InvalidArgument

MAX_IDEMPOTENCY_KEY = 255


def request_fingerprint(fields: dict[str, Any]) -> str:
    """A stable hash of a request body (sorted JSON), stored beside its idempotency key."""
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def check_idempotency_key(key: str | None) -> str:
    """The key, stripped; raises ``InvalidArgument`` (param ``Idempotency-Key``) when it is
    missing, empty, longer than 255 characters or not printable ASCII."""
    value = (key or "").strip()
    if not value:
        raise InvalidArgument(
            "An Idempotency-Key header is required: a unique string per purchase, reused "
            "only to retry that same purchase.",
            code="idempotency_key_required",
            param="Idempotency-Key",
        )
    if len(value) > MAX_IDEMPOTENCY_KEY or not value.isascii() or not value.isprintable():
        raise InvalidArgument(
            "The Idempotency-Key must be at most 255 printable ASCII characters.",
            param="Idempotency-Key",
        )
    return value


@dataclass(frozen=True, slots=True)
class PendingCharge:
    """What the processor call needs of a charge row, read in ``begin_charge``."""

    charge_id: uuid.UUID
    organization_id: uuid.UUID
    status: str
    token: str
    amount_micro: int
    idempotency_key: str
    expired: bool


def find_charge(session: Session, organization_id: uuid.UUID, key: str) -> Charge | None:
    """The charge made under ``key`` by the organization, if any."""
    return session.scalar(
        select(Charge).where(
            Charge.organization_id == organization_id, Charge.idempotency_key == key
        )
    )


def existing_charge(
    session: Session, organization_id: uuid.UUID, key: str, fingerprint: str
) -> Charge | None:
    """The charge made under ``key``, checked against this request's ``fingerprint``.

    Raises ``IdempotencyConflict`` (param ``Idempotency-Key``) when the key was used with a
    different request body.
    """
    charge = find_charge(session, organization_id, key)
    if charge is not None and charge.fingerprint != fingerprint:
        raise IdempotencyConflict(
            "This Idempotency-Key was already used with a different request body; retry with "
            "the original body or use a new key."
        )
    return charge


def insert_charge(
    session: Session,
    *,
    organization_id: uuid.UUID,
    kind: LedgerKind,
    key: str,
    fingerprint: str,
    amount_micro: int,
    payment_method_id: uuid.UUID,
    now: datetime,
    crossing: int | None = None,
    charge_id: uuid.UUID | None = None,
) -> Charge:
    """Insert a ``pending`` charge (with ``charge_id``, or a new id) and flush; a used key
    raises SQLAlchemy's ``IntegrityError`` (the caller retries in a new transaction and finds
    it)."""
    charge = Charge(
        id=charge_id or uuid.uuid4(),
        organization_id=organization_id,
        kind=kind.value,
        idempotency_key=key,
        fingerprint=fingerprint,
        amount_micro=amount_micro,
        payment_method_id=payment_method_id,
        status="pending",
        crossing=crossing,
        created_at=now,
    )
    session.add(charge)
    session.flush()
    return charge


def pending_of(session: Session, charge: Charge, today: date) -> PendingCharge:
    """The processor call's view of ``charge`` (its method's token and expiry)."""
    method = session.get(PaymentMethod, charge.payment_method_id)
    assert method is not None  # a foreign key, and methods are never deleted
    return PendingCharge(
        charge_id=charge.id,
        organization_id=charge.organization_id,
        status=charge.status,
        token=method.token,
        amount_micro=charge.amount_micro,
        idempotency_key=charge.idempotency_key,
        expired=card_expired(method.exp_month, method.exp_year, today),
    )


def call_provider(provider: PaymentProvider, pending: PendingCharge) -> ChargeResult:
    """Charge ``pending`` at the processor (or fail an expired card without calling it).

    The processor's key is ``<organization id>:<idempotency key>``: unique across
    organizations, and the same for every retry of the charge.
    """
    if pending.expired:
        return ChargeResult(
            False, failure_code="expired_card", failure_message="The card has expired."
        )
    key = f"{pending.organization_id}:{pending.idempotency_key}"
    return provider.charge(pending.token, pending.amount_micro, key)


def complete_charge(
    session: Session, charge_id: uuid.UUID, result: ChargeResult, now: datetime
) -> Charge:
    """Record the processor's ``result`` on a pending charge (compare-and-set) and, when it
    succeeded, credit the ledger. A charge already completed is left as it is. Returns the
    charge as stored afterwards."""
    values: dict[str, Any] = {"completed_at": now}
    if result.succeeded:
        values |= {"status": "succeeded", "provider_charge_id": result.provider_charge_id}
    else:
        values |= {
            "status": "failed",
            "failure_code": (result.failure_code or "card_declined")[:64],
            "failure_message": (result.failure_message or "The charge failed.")[:300],
        }
    flipped = session.execute(
        update(Charge)
        .where(Charge.id == charge_id, Charge.status == "pending")
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    charge = session.get(Charge, charge_id, populate_existing=True)
    assert charge is not None
    if flipped.rowcount == 1 and result.succeeded:  # type: ignore[attr-defined]
        append_entry(
            session,
            charge.organization_id,
            LedgerKind(charge.kind),
            charge.amount_micro,
            created_at=now,
            reference=f"charge:{charge.id}",
        )
    return charge


def receipt_of(session: Session, charge: Charge, *, replayed: bool) -> CreditReceipt:
    """The receipt of a charge, with its ledger entry when it succeeded."""
    entry_id = session.scalar(
        select(LedgerEntry.id).where(LedgerEntry.reference == f"charge:{charge.id}")
    )
    return CreditReceipt(
        charge_id=charge.id,
        organization_id=charge.organization_id,
        amount_micro=charge.amount_micro,
        status=charge.status,
        payment_method_id=charge.payment_method_id,
        ledger_entry_id=entry_id,
        created_at=charge.created_at,
        replayed=replayed,
    )

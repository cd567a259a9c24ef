"""Billing tables: prices, usage charges, the ledger, payment methods, charges, auto recharge.

Every amount is a ``BigInteger`` of micro-dollars. The guarantees the rest of the package
relies on are constraints here, so they hold across processes and gateways:

- ``usage_charges.request_id`` is unique: a request is billed at most once.
- ``billing_ledger.reference`` is unique: a charge is credited at most once, and a settlement
  line is written at most once.
- ``billing_charges (organization_id, idempotency_key)`` is unique: a key names one charge.
- at most one succeeded auto recharge per ``(organization_id, crossing)``.
- at most one default, live payment method per organization.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from zgpu.platform.db.base import Base
from zgpu.platform.db.types import utc_now

# SQLite auto-increments only an INTEGER PRIMARY KEY (the rowid); PostgreSQL gets a BIGINT.
_ROW_ID = BigInteger().with_variant(Integer(), "sqlite")

LEDGER_KINDS = ("credit", "auto_recharge", "usage", "refund", "adjustment")
CHARGE_KINDS = ("credit", "auto_recharge")
CHARGE_STATUSES = ("pending", "succeeded", "failed")
RECHARGE_STATES = ("armed", "charging", "retry", "spent")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class ModelPrice(Base):
    """The price of a model from ``effective_from`` until the next row of the same model
    (``billing_prices``). Rows are never updated: a price change is a new row."""

    __tablename__ = "billing_prices"
    __table_args__ = (
        UniqueConstraint("model", "effective_from"),
        CheckConstraint(
            "input_micro_usd_per_million >= 0 AND output_micro_usd_per_million >= 0",
            name="non_negative",
        ),
    )

    id: Mapped[int] = mapped_column(_ROW_ID, primary_key=True, autoincrement=True)
    model: Mapped[str] = mapped_column(String(128))
    input_micro_usd_per_million: Mapped[int] = mapped_column(BigInteger)
    output_micro_usd_per_million: Mapped[int] = mapped_column(BigInteger)
    effective_from: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class UsageCharge(Base):
    """What one billed request cost (``usage_charges``), written in the same transaction as
    its request log row. ``settled_at`` is set when a settlement moves it into the ledger."""

    __tablename__ = "usage_charges"
    __table_args__ = (
        CheckConstraint("cost_micro >= 0", name="cost_non_negative"),
        Index(None, "organization_id", "settled_at"),
        Index(None, "settled_at", "created_at"),
        Index(None, "settlement_id"),
    )

    id: Mapped[int] = mapped_column(_ROW_ID, primary_key=True, autoincrement=True)
    request_id: Mapped[str] = mapped_column(String(64), unique=True)
    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT")
    )
    project_id: Mapped[uuid.UUID]
    model: Mapped[str] = mapped_column(String(128))
    input_tokens: Mapped[int] = mapped_column(BigInteger)
    output_tokens: Mapped[int] = mapped_column(BigInteger)
    cost_micro: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    settled_at: Mapped[datetime | None] = mapped_column(default=None)
    settlement_id: Mapped[uuid.UUID | None] = mapped_column(default=None)


class LedgerEntry(Base):
    """One immutable money movement of an organization (``billing_ledger``).

    ``amount_micro`` is signed: credits and auto recharges are positive, usage is zero or
    negative, refunds and adjustments are non-zero either way. The package never updates or
    deletes a row.
    """

    __tablename__ = "billing_ledger"
    __table_args__ = (
        CheckConstraint(_in("kind", LEDGER_KINDS), name="kind"),
        CheckConstraint(
            "(kind IN ('credit', 'auto_recharge') AND amount_micro > 0)"
            " OR (kind = 'usage' AND amount_micro <= 0)"
            " OR (kind IN ('refund', 'adjustment') AND amount_micro <> 0)",
            name="amount_sign",
        ),
        Index(None, "organization_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(_ROW_ID, primary_key=True, autoincrement=True)
    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT")
    )
    kind: Mapped[str] = mapped_column(String(16))
    amount_micro: Mapped[int] = mapped_column(BigInteger)
    description: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16))
    reference: Mapped[str | None] = mapped_column(String(255), unique=True, default=None)
    model: Mapped[str | None] = mapped_column(String(128), default=None)
    usage_day: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class PaymentMethod(Base):
    """A saved card (``billing_payment_methods``): the provider's token and what may be shown
    (brand, last four digits, expiry, country). Never the number or the CVC."""

    __tablename__ = "billing_payment_methods"
    __table_args__ = (
        Index(
            "uq_billing_payment_methods_default",
            "organization_id",
            unique=True,
            sqlite_where=text("is_default AND removed_at IS NULL"),
            postgresql_where=text("is_default AND removed_at IS NULL"),
        ),
        Index(None, "organization_id", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT")
    )
    provider: Mapped[str] = mapped_column(String(32))
    token: Mapped[str] = mapped_column(String(128))
    brand: Mapped[str] = mapped_column(String(16))
    last4: Mapped[str] = mapped_column(String(4))
    exp_month: Mapped[int] = mapped_column(SmallInteger)
    exp_year: Mapped[int] = mapped_column(SmallInteger)
    country: Mapped[str] = mapped_column(String(2))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    removed_at: Mapped[datetime | None] = mapped_column(default=None)


class Charge(Base):
    """One attempt to charge a payment method (``billing_charges``), keyed by idempotency key.

    ``fingerprint`` is a hash of the request body the key was first used with. ``crossing``
    is the auto recharge crossing number for ``kind='auto_recharge'``.
    """

    __tablename__ = "billing_charges"
    __table_args__ = (
        CheckConstraint(_in("kind", CHARGE_KINDS), name="kind"),
        CheckConstraint(_in("status", CHARGE_STATUSES), name="status"),
        CheckConstraint("amount_micro > 0", name="amount_positive"),
        UniqueConstraint("organization_id", "idempotency_key"),
        Index(
            "uq_billing_charges_recharge_crossing",
            "organization_id",
            "crossing",
            unique=True,
            sqlite_where=text("kind = 'auto_recharge' AND status = 'succeeded'"),
            postgresql_where=text("kind = 'auto_recharge' AND status = 'succeeded'"),
        ),
        Index(None, "organization_id", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT")
    )
    kind: Mapped[str] = mapped_column(String(16))
    idempotency_key: Mapped[str] = mapped_column(String(255))
    fingerprint: Mapped[str] = mapped_column(String(64))
    amount_micro: Mapped[int] = mapped_column(BigInteger)
    payment_method_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("billing_payment_methods.id", ondelete="RESTRICT")
    )
    status: Mapped[str] = mapped_column(String(16), default="pending")
    provider_charge_id: Mapped[str | None] = mapped_column(String(128), default=None)
    failure_code: Mapped[str | None] = mapped_column(String(64), default=None)
    failure_message: Mapped[str | None] = mapped_column(String(300), default=None)
    crossing: Mapped[int | None] = mapped_column(BigInteger, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    completed_at: Mapped[datetime | None] = mapped_column(default=None)


class AutoRechargeState(Base):
    """An organization's auto recharge settings and crossing state (``billing_auto_recharge``).

    ``version`` is bumped by every state change; changes are compare-and-set on it, which is
    the guard that lets only one process act on a crossing. ``crossing`` counts crossings
    below the threshold; ``failures`` counts failed attempts in the current one.
    """

    __tablename__ = "billing_auto_recharge"
    __table_args__ = (
        CheckConstraint(_in("state", RECHARGE_STATES), name="state"),
        CheckConstraint("threshold_micro >= 0 AND amount_micro > 0", name="amounts"),
    )

    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), primary_key=True
    )
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    threshold_micro: Mapped[int] = mapped_column(BigInteger)
    amount_micro: Mapped[int] = mapped_column(BigInteger)
    payment_method_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey(
            "billing_payment_methods.id",
            ondelete="SET NULL",
            name="fk_billing_auto_recharge_payment_method",  # the convention's is over 63
        ),
        default=None,
    )
    state: Mapped[str] = mapped_column(String(10), default="armed")
    version: Mapped[int] = mapped_column(BigInteger, default=0)
    crossing: Mapped[int] = mapped_column(BigInteger, default=0)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    charge_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    claimed_at: Mapped[datetime | None] = mapped_column(default=None)
    next_attempt_at: Mapped[datetime | None] = mapped_column(default=None)
    last_failure_code: Mapped[str | None] = mapped_column(String(64), default=None)
    last_failure_message: Mapped[str | None] = mapped_column(String(300), default=None)
    last_failure_at: Mapped[datetime | None] = mapped_column(default=None)
    disabled_reason: Mapped[str | None] = mapped_column(String(300), default=None)
    disabled_at: Mapped[datetime | None] = mapped_column(default=None)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now)

"""Billing: model prices (seeded with the defaults of the two current models), usage charges,
the ledger, payment methods, charges and auto recharge.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ROW_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_TS = sa.DateTime(timezone=True)
# Frozen here: $0.20 input and $0.40 output per million tokens, in micro-dollars.
_SEED_MODELS = ("zlm-v1-summary-cloud", "zlm-v1-iab-classify-cloud")
_SEED_INPUT, _SEED_OUTPUT = 200_000, 400_000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _org_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["organization_id"],
        ["organizations.id"],
        name=op.f(f"fk_{table}_organization_id_organizations"),
        ondelete="RESTRICT",
    )


def upgrade() -> None:
    prices = op.create_table(
        "billing_prices",
        sa.Column("id", _ROW_ID, autoincrement=True, nullable=False),
        sa.Column("model", sa.String(length=128), nullable=False),
        sa.Column("input_micro_usd_per_million", sa.BigInteger(), nullable=False),
        sa.Column("output_micro_usd_per_million", sa.BigInteger(), nullable=False),
        sa.Column("effective_from", _TS, nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.CheckConstraint(
            "input_micro_usd_per_million >= 0 AND output_micro_usd_per_million >= 0",
            name=op.f("ck_billing_prices_non_negative"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_prices")),
        sa.UniqueConstraint(
            "model", "effective_from", name=op.f("uq_billing_prices_model_effective_from")
        ),
    )
    op.create_table(
        "usage_charges",
        sa.Column("id", _ROW_ID, autoincrement=True, nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("model", sa.String(length=128), nullable=False),
        sa.Column("input_tokens", sa.BigInteger(), nullable=False),
        sa.Column("output_tokens", sa.BigInteger(), nullable=False),
        sa.Column("cost_micro", sa.BigInteger(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("settled_at", _TS, nullable=True),
        sa.Column("settlement_id", sa.Uuid(), nullable=True),
        sa.CheckConstraint("cost_micro >= 0", name=op.f("ck_usage_charges_cost_non_negative")),
        _org_fk("usage_charges"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_usage_charges")),
        sa.UniqueConstraint("request_id", name=op.f("uq_usage_charges_request_id")),
    )
    for columns in (
        ["organization_id", "settled_at"],
        ["settled_at", "created_at"],
        ["settlement_id"],
    ):
        op.create_index(op.f(f"ix_usage_charges_{'_'.join(columns)}"), "usage_charges", columns)

    op.create_table(
        "billing_ledger",
        sa.Column("id", _ROW_ID, autoincrement=True, nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("amount_micro", sa.BigInteger(), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reference", sa.String(length=255), nullable=True),
        sa.Column("model", sa.String(length=128), nullable=True),
        sa.Column("usage_day", _TS, nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.CheckConstraint(
            "kind IN ('credit', 'auto_recharge', 'usage', 'refund', 'adjustment')",
            name=op.f("ck_billing_ledger_kind"),
        ),
        sa.CheckConstraint(
            "(kind IN ('credit', 'auto_recharge') AND amount_micro > 0)"
            " OR (kind = 'usage' AND amount_micro <= 0)"
            " OR (kind IN ('refund', 'adjustment') AND amount_micro <> 0)",
            name=op.f("ck_billing_ledger_amount_sign"),
        ),
        _org_fk("billing_ledger"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_ledger")),
        sa.UniqueConstraint("reference", name=op.f("uq_billing_ledger_reference")),
    )
    op.create_index(
        op.f("ix_billing_ledger_organization_id_created_at_id"),
        "billing_ledger",
        ["organization_id", "created_at", "id"],
    )

    op.create_table(
        "billing_payment_methods",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("token", sa.String(length=128), nullable=False),
        sa.Column("brand", sa.String(length=16), nullable=False),
        sa.Column("last4", sa.String(length=4), nullable=False),
        sa.Column("exp_month", sa.SmallInteger(), nullable=False),
        sa.Column("exp_year", sa.SmallInteger(), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("removed_at", _TS, nullable=True),
        _org_fk("billing_payment_methods"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_payment_methods")),
    )
    op.create_index(
        "uq_billing_payment_methods_default",
        "billing_payment_methods",
        ["organization_id"],
        unique=True,
        sqlite_where=sa.text("is_default AND removed_at IS NULL"),
        postgresql_where=sa.text("is_default AND removed_at IS NULL"),
    )
    op.create_index(
        op.f("ix_billing_payment_methods_organization_id_created_at"),
        "billing_payment_methods",
        ["organization_id", "created_at"],
    )

    op.create_table(
        "billing_charges",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("idempotency_key", sa.String(length=255), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("amount_micro", sa.BigInteger(), nullable=False),
        sa.Column("payment_method_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("provider_charge_id", sa.String(length=128), nullable=True),
        sa.Column("failure_code", sa.String(length=64), nullable=True),
        sa.Column("failure_message", sa.String(length=300), nullable=True),
        sa.Column("crossing", sa.BigInteger(), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("completed_at", _TS, nullable=True),
        sa.CheckConstraint(
            "kind IN ('credit', 'auto_recharge')", name=op.f("ck_billing_charges_kind")
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'succeeded', 'failed')", name=op.f("ck_billing_charges_status")
        ),
        sa.CheckConstraint("amount_micro > 0", name=op.f("ck_billing_charges_amount_positive")),
        _org_fk("billing_charges"),
        sa.ForeignKeyConstraint(
            ["payment_method_id"],
            ["billing_payment_methods.id"],
            name=op.f("fk_billing_charges_payment_method_id_billing_payment_methods"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_charges")),
        sa.UniqueConstraint(
            "organization_id",
            "idempotency_key",
            name=op.f("uq_billing_charges_organization_id_idempotency_key"),
        ),
    )
    op.create_index(
        "uq_billing_charges_recharge_crossing",
        "billing_charges",
        ["organization_id", "crossing"],
        unique=True,
        sqlite_where=sa.text("kind = 'auto_recharge' AND status = 'succeeded'"),
        postgresql_where=sa.text("kind = 'auto_recharge' AND status = 'succeeded'"),
    )
    op.create_index(
        op.f("ix_billing_charges_organization_id_created_at"),
        "billing_charges",
        ["organization_id", "created_at"],
    )

    op.create_table(
        "billing_auto_recharge",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("threshold_micro", sa.BigInteger(), nullable=False),
        sa.Column("amount_micro", sa.BigInteger(), nullable=False),
        sa.Column("payment_method_id", sa.Uuid(), nullable=True),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("crossing", sa.BigInteger(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("charge_id", sa.Uuid(), nullable=True),
        sa.Column("claimed_at", _TS, nullable=True),
        sa.Column("next_attempt_at", _TS, nullable=True),
        sa.Column("last_failure_code", sa.String(length=64), nullable=True),
        sa.Column("last_failure_message", sa.String(length=300), nullable=True),
        sa.Column("last_failure_at", _TS, nullable=True),
        sa.Column("disabled_reason", sa.String(length=300), nullable=True),
        sa.Column("disabled_at", _TS, nullable=True),
        sa.Column("updated_at", _TS, nullable=False),
        sa.CheckConstraint(
            "state IN ('armed', 'charging', 'retry', 'spent')",
            name=op.f("ck_billing_auto_recharge_state"),
        ),
        sa.CheckConstraint(
            "threshold_micro >= 0 AND amount_micro > 0",
            name=op.f("ck_billing_auto_recharge_amounts"),
        ),
        _org_fk("billing_auto_recharge"),
        sa.ForeignKeyConstraint(
            ["payment_method_id"],
            ["billing_payment_methods.id"],
            name=op.f("fk_billing_auto_recharge_payment_method"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("organization_id", name=op.f("pk_billing_auto_recharge")),
    )

    now = datetime.now(UTC)
    epoch, stamp = _EPOCH, now
    if op.get_bind().dialect.name == "sqlite":  # naive UTC, as the models store it there
        epoch, stamp = _EPOCH.replace(tzinfo=None), now.replace(tzinfo=None)
    op.bulk_insert(
        prices,
        [
            {
                "model": model,
                "input_micro_usd_per_million": _SEED_INPUT,
                "output_micro_usd_per_million": _SEED_OUTPUT,
                "effective_from": epoch,
                "created_at": stamp,
            }
            for model in _SEED_MODELS
        ],
    )


def downgrade() -> None:
    op.drop_table("billing_auto_recharge")
    op.drop_table("billing_charges")
    op.drop_table("billing_payment_methods")
    op.drop_table("billing_ledger")
    op.drop_table("usage_charges")
    op.drop_table("billing_prices")

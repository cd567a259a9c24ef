"""Logs page and usage analytics: status class and keyset indexes on request logs, log
retention per project, usage rollups (back-filled from the existing logs).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql, sqlite

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COUNTERS = ("requests", "errors", "input_tokens", "output_tokens", "latency_us_sum")
_KEY = ("project_id", "granularity", "bucket_start", "api_key_id", "model")
_NO_KEY = uuid.UUID(int=0)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_WIDTHS = {"minute": timedelta(minutes=1), "hour": timedelta(hours=1), "day": timedelta(days=1)}
_BACKFILL_CHUNK = 20_000


def upgrade() -> None:
    op.add_column("request_logs", sa.Column("status_class", sa.SmallInteger(), nullable=True))
    op.execute("UPDATE request_logs SET status_class = status / 100")
    with op.batch_alter_table("request_logs") as batch:
        batch.alter_column("status_class", existing_type=sa.SmallInteger(), nullable=False)
    op.drop_index(op.f("ix_request_logs_project_id_created_at"), table_name="request_logs")
    op.drop_index(op.f("ix_request_logs_api_key_id_created_at"), table_name="request_logs")
    for columns in (
        ["project_id", "created_at", "id"],
        ["project_id", "status_class", "created_at", "id"],
        ["project_id", "latency_ms", "id"],
        ["api_key_id", "created_at", "id"],
    ):
        op.create_index(op.f(f"ix_request_logs_{'_'.join(columns)}"), "request_logs", columns)

    op.create_table(
        "log_retention",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("days >= 1", name=op.f("ck_log_retention_days_positive")),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_log_retention_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("project_id", name=op.f("pk_log_retention")),
    )
    op.create_table(
        "usage_rollups",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("granularity", sa.String(length=6), nullable=False),
        sa.Column("bucket_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("api_key_id", sa.Uuid(), nullable=False),
        sa.Column("model", sa.String(length=128), nullable=False),
        *(sa.Column(name, sa.BigInteger(), nullable=False) for name in _COUNTERS),
        sa.CheckConstraint(
            "granularity IN ('minute', 'hour', 'day')", name=op.f("ck_usage_rollups_granularity")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_usage_rollups_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(*_KEY, name=op.f("pk_usage_rollups")),
        sqlite_with_rowid=False,
    )
    _backfill_rollups()


def downgrade() -> None:
    op.drop_table("usage_rollups")
    op.drop_table("log_retention")
    for columns in (
        ["api_key_id", "created_at", "id"],
        ["project_id", "latency_ms", "id"],
        ["project_id", "status_class", "created_at", "id"],
        ["project_id", "created_at", "id"],
    ):
        op.drop_index(op.f(f"ix_request_logs_{'_'.join(columns)}"), table_name="request_logs")
    op.create_index(
        op.f("ix_request_logs_project_id_created_at"), "request_logs", ["project_id", "created_at"]
    )
    op.create_index(
        op.f("ix_request_logs_api_key_id_created_at"), "request_logs", ["api_key_id", "created_at"]
    )
    with op.batch_alter_table("request_logs") as batch:
        batch.drop_column("status_class")


def _backfill_rollups() -> None:
    """Roll up the logs already stored, with the same arithmetic as ``zgpu.platform.usage``
    (UTC buckets, latency in whole microseconds rounded half to even), frozen here so later
    code changes cannot alter what this migration does."""
    bind = op.get_bind()
    logs = sa.table(
        "request_logs",
        sa.column("id", sa.BigInteger()),
        sa.column("project_id", sa.Uuid()),
        sa.column("api_key_id", sa.Uuid()),
        sa.column("model", sa.String()),
        sa.column("status", sa.Integer()),
        sa.column("latency_ms", sa.Double()),
        sa.column("input_tokens", sa.Integer()),
        sa.column("output_tokens", sa.Integer()),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    rollups = sa.table(
        "usage_rollups",
        sa.column("project_id", sa.Uuid()),
        sa.column("granularity", sa.String()),
        sa.column("bucket_start", sa.DateTime(timezone=True)),
        sa.column("api_key_id", sa.Uuid()),
        sa.column("model", sa.String()),
        *(sa.column(name, sa.BigInteger()) for name in _COUNTERS),
    )
    insert: Any = (postgresql if bind.dialect.name == "postgresql" else sqlite).insert(rollups)
    upsert = insert.on_conflict_do_update(
        index_elements=list(_KEY),
        set_={name: rollups.c[name] + insert.excluded[name] for name in _COUNTERS},
    )
    last_id = 0
    while True:
        rows = bind.execute(
            sa.select(logs).where(logs.c.id > last_id).order_by(logs.c.id).limit(_BACKFILL_CHUNK)
        ).all()
        if not rows:
            return
        last_id = rows[-1].id
        groups: dict[tuple[Any, ...], list[int]] = {}
        for row in rows:
            created = row.created_at
            created = created.replace(tzinfo=UTC) if created.tzinfo is None else created
            for granularity, width in _WIDTHS.items():
                bucket = _EPOCH + ((created - _EPOCH) // width) * width
                if bind.dialect.name == "sqlite":
                    bucket = bucket.replace(tzinfo=None)
                key = (row.project_id, granularity, bucket, row.api_key_id or _NO_KEY, row.model)
                counters = groups.setdefault(key, [0, 0, 0, 0, 0])
                counters[0] += 1
                counters[1] += 1 if row.status >= 400 else 0
                counters[2] += row.input_tokens
                counters[3] += row.output_tokens
                counters[4] += round(row.latency_ms * 1000)
        params = [
            {**dict(zip(_KEY, key, strict=True)), **dict(zip(_COUNTERS, counters, strict=True))}
            for key, counters in sorted(groups.items(), key=lambda item: str(item[0]))
        ]
        bind.execute(upsert, params)

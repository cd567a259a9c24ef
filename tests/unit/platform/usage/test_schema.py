"""The usage migration builds exactly the tables the models describe, and back-fills rollups."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from zgpu.platform.accounts import create_organization
from zgpu.platform.db import Database, UTCDateTime, upgrade_to_head
from zgpu.platform.db.migrate import alembic_config
from zgpu.platform.logs import LogFilter, StatusFilter, query_logs
from zgpu.platform.projects import create_project
from zgpu.platform.tables import metadata
from zgpu.platform.usage import GroupBy, UsageTotals, latency_us, usage_summary


def test_migrated_schema_matches_the_models(database_url: str) -> None:
    upgrade_to_head(database_url)
    db = Database(database_url)
    try:
        inspector = inspect(db.engine)
        assert {"usage_rollups", "log_retention"} <= set(inspector.get_table_names())
        indexes = {ix["name"] for ix in inspector.get_indexes("request_logs")}
        assert "ix_request_logs_project_id_status_class_created_at_id" in indexes
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, metadata) == []
    finally:
        db.dispose()


def test_downgrade_and_upgrade_again(database_url: str) -> None:
    upgrade_to_head(database_url)
    db = Database(database_url)
    try:
        for target in ("0002", "head"):
            with db.engine.connect() as connection:
                if db.dialect == "sqlite":
                    connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
                config = alembic_config()
                config.attributes["connection"] = connection
                if target == "head":
                    command.upgrade(config, target)
                else:
                    command.downgrade(config, target)
                connection.commit()
            tables = set(inspect(db.engine).get_table_names())
            assert ("usage_rollups" in tables) is (target == "head")
    finally:
        db.dispose()


def _migrate(db: Database, target: str) -> None:
    with db.engine.connect() as connection:
        if db.dialect == "sqlite":
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, target)
        connection.commit()


def test_upgrade_rolls_up_the_logs_already_stored(database_url: str) -> None:
    db = Database(database_url)
    try:
        _migrate(db, "0002")
        with db.session() as session:
            organization = create_organization(session, "Acme")
            project = create_project(session, organization.id, "Search")
        old_logs = sa.table(
            "request_logs",
            sa.column("request_id", sa.String()),
            sa.column("project_id", sa.Uuid()),
            sa.column("model", sa.String()),
            sa.column("status", sa.Integer()),
            sa.column("latency_ms", sa.Double()),
            sa.column("input_tokens", sa.Integer()),
            sa.column("output_tokens", sa.Integer()),
            sa.column("created_at", UTCDateTime()),
        )
        start = datetime(2026, 3, 1, 23, 58, 30, tzinfo=UTC)
        rows: list[dict[str, Any]] = [
            {
                "request_id": f"req_{n}",
                "project_id": project.id,
                "model": "zlm-v1-summary-cloud" if n % 3 else "zlm-v1-iab-classify-cloud",
                "status": (200, 404, 503)[n % 3],
                "latency_ms": 10.25 + n,
                "input_tokens": 100 + n,
                "output_tokens": 7 * n,
                "created_at": start + timedelta(seconds=37 * n),
            }
            for n in range(50)
        ]
        with db.engine.begin() as connection:
            connection.execute(sa.insert(old_logs), rows)
        _migrate(db, "head")
        with db.session() as session:
            summary = usage_summary(
                session, [project.id], start, start + timedelta(days=1), group_by=[GroupBy.MODEL]
            )
            (log,) = query_logs(session, project.id, LogFilter(status=StatusFilter(503))).data[:1]
        assert log.status_class == 5
        assert summary.totals == UsageTotals(
            requests=50,
            errors=sum(1 for row in rows if row["status"] >= 400),
            input_tokens=sum(row["input_tokens"] for row in rows),
            output_tokens=sum(row["output_tokens"] for row in rows),
            latency_us_sum=sum(latency_us(row["latency_ms"]) for row in rows),
        )
        assert {group.model for group in summary.groups} == {
            "zlm-v1-summary-cloud",
            "zlm-v1-iab-classify-cloud",
        }
    finally:
        db.dispose()

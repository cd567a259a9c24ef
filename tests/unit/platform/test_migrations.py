"""Migrations bring an empty database to the schema the models describe, on both backends."""

from __future__ import annotations

import threading
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

import zgpu
from zgpu.platform.db import Database, current_revision, head_revision, upgrade_to_head
from zgpu.platform.db.migrate import alembic_config, script_location
from zgpu.platform.tables import metadata

TABLES = {
    "installation",
    "organizations",
    "projects",
    "api_keys",
    "request_logs",
    "users",
    "memberships",
    "sessions",
    "admin_keys",
    "signin_attempts",
    "node_enrollment_tokens",
    "nodes",
    "billing_prices",
    "usage_charges",
    "billing_ledger",
    "billing_payment_methods",
    "billing_charges",
    "billing_auto_recharge",
}


def test_upgrade_creates_the_schema_the_models_describe(database_url: str) -> None:
    upgrade_to_head(database_url)
    db = Database(database_url)
    try:
        assert current_revision(db) == head_revision()
        assert set(inspect(db.engine).get_table_names()) >= TABLES
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, metadata) == []
    finally:
        db.dispose()


def test_upgrade_twice_is_a_no_op(database_url: str) -> None:
    upgrade_to_head(database_url)
    upgrade_to_head(database_url)
    db = Database(database_url)
    try:
        assert current_revision(db) == head_revision()
    finally:
        db.dispose()


def test_concurrent_upgrades_both_succeed(database_url: str) -> None:
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def migrate() -> None:
        try:
            barrier.wait()
            upgrade_to_head(database_url)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=migrate) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    db = Database(database_url)
    try:
        assert current_revision(db) == head_revision()
    finally:
        db.dispose()


def test_sqlite_connections_are_tuned(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path}/tuned.db")
    try:
        with db.engine.connect() as connection:
            pragma = connection.exec_driver_sql
            assert pragma("PRAGMA journal_mode").scalar() == "wal"
            assert pragma("PRAGMA foreign_keys").scalar() == 1
            assert pragma("PRAGMA busy_timeout").scalar() == 10_000
            assert pragma("PRAGMA synchronous").scalar() == 1  # NORMAL
    finally:
        db.dispose()


def test_migration_scripts_ship_inside_the_package() -> None:
    location = Path(script_location())
    assert location.is_relative_to(Path(zgpu.__file__).parent)
    assert (location / "env.py").is_file()
    names = sorted(p.name for p in (location / "versions").glob("0*.py"))
    assert names[:2] == ["0001_initial.py", "0002_accounts.py"]


def test_migrations_form_one_line() -> None:
    scripts = ScriptDirectory.from_config(alembic_config())
    assert len(scripts.get_heads()) == 1
    chain = [rev.revision for rev in scripts.walk_revisions()]
    assert chain[-2:] == ["0002", "0001"]

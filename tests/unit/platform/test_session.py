"""The unit of work: commit on success, roll back on error, storage errors translated."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import text

from zgpu.platform.accounts import create_organization, list_organizations
from zgpu.platform.db import Database
from zgpu.platform.db.session import normalize_url
from zgpu.platform.errors import StorageError


def test_bare_postgresql_urls_use_psycopg3() -> None:
    assert normalize_url("postgresql://u@h/d").drivername == "postgresql+psycopg"
    assert normalize_url("postgresql+psycopg://u@h/d").drivername == "postgresql+psycopg"
    assert normalize_url("sqlite:///x.db").drivername == "sqlite"


def test_block_commits_on_success_and_rolls_back_on_error(db: Database) -> None:
    with db.session() as session:
        create_organization(session, "Kept")

    def fail_midway() -> None:
        with db.session() as session:
            create_organization(session, "Dropped")
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        fail_midway()
    with db.session() as session:
        assert [o.name for o in list_organizations(session)] == ["Kept"]


def test_database_errors_become_storage_errors(db: Database) -> None:
    def bad_sql() -> None:
        with db.session() as session:
            session.execute(text("SELECT * FROM no_such_table"))

    with pytest.raises(StorageError) as caught:
        bad_sql()
    assert caught.value.code == "storage_error"


def test_timestamps_come_back_aware_and_naive_ones_are_refused(db: Database) -> None:
    with db.session() as session:
        organization = create_organization(session, "Acme")
    with db.session() as session:
        (loaded,) = list_organizations(session)
        assert loaded.created_at == organization.created_at
        assert loaded.created_at.utcoffset() is not None

    def store_naive() -> None:
        with db.session() as session:
            create_organization(session, "Naive").created_at = datetime(2026, 1, 1)
            session.flush()

    with pytest.raises(StorageError):
        store_naive()

"""Fixtures for platform tests: every storage test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.postgres import PostgresHandle, postgres_server, postgres_url
from zgpu.platform.accounts import create_organization
from zgpu.platform.db import Database, upgrade_to_head
from zgpu.platform.projects import create_project

__all__ = ["postgres_server", "postgres_url"]  # fixtures, re-exported for pytest


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    """The database backend under test."""
    name: str = request.param
    return name


@pytest.fixture
def database_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a new, empty database."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture(scope="session")
def migrated_template(postgres_server: PostgresHandle) -> str:
    """A PostgreSQL database at the newest schema, copied for each test (faster than migrating)."""
    url = postgres_server.create_database()
    upgrade_to_head(url)
    return url


@pytest.fixture
def migrated_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a new database at the newest schema."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'zgpu.db'}"
        upgrade_to_head(url)
        yield url
        return
    postgres: PostgresHandle = request.getfixturevalue("postgres_server")
    url = postgres.create_database(template=request.getfixturevalue("migrated_template"))
    try:
        yield url
    finally:
        postgres.drop_database(url)


@pytest.fixture
def db(migrated_url: str) -> Iterator[Database]:
    """A ``Database`` on a migrated database."""
    database = Database(migrated_url)
    try:
        yield database
    finally:
        database.dispose()


@pytest.fixture
def project_id(db: Database) -> uuid.UUID:
    """A live project in a new organization."""
    with db.session() as session:
        organization = create_organization(session, "Acme")
        return create_project(session, organization.id, "Search").id

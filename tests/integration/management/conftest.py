"""A real gateway (uvicorn, NATS, SQLite or PostgreSQL) per test module and backend."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.integration.management.live import Live, live_gateway
from tests.support.postgres import PostgresHandle, postgres_server
from tests.support.server import NatsProcess

__all__ = ["postgres_server"]  # the fixture, re-exported for this suite


@pytest.fixture(scope="module")
def nats(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NatsProcess]:
    """A real nats-server for the module's gateway."""
    process = NatsProcess(tmp_path_factory.mktemp("nats")).start()
    yield process
    process.stop()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A new, empty database of each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'zgpu.db'}"
    handle: PostgresHandle = request.getfixturevalue("postgres_server")
    return handle.create_database()


@pytest.fixture(scope="module")
def live(
    tmp_path_factory: pytest.TempPathFactory, database_url: str, nats: NatsProcess
) -> Iterator[Live]:
    """The gateway under test."""
    with live_gateway(tmp_path_factory.mktemp("data"), database_url, nats.url) as running:
        yield running

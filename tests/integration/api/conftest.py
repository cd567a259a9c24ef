"""A real gateway per storage backend, shared by the tests of a module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.postgres import PostgresHandle, postgres_server
from tests.support.server import Credentials, ServerProcess, create_key

BACKENDS = ["sqlite", "postgres"]
__all__ = ["postgres_server"]  # the fixture, re-exported for this suite


@pytest.fixture(scope="module", params=BACKENDS)
def database_url(request: pytest.FixtureRequest) -> str | None:
    """``None`` means the default SQLite file in the data dir; else a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return None
    handle: PostgresHandle = request.getfixturevalue("postgres_server")
    return handle.create_database()


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, database_url: str | None
) -> Iterator[ServerProcess]:
    """``zgpu serve`` on a free port with its own data dir."""
    process = ServerProcess(tmp_path_factory.mktemp("gateway"), database_url).start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def creds(server: ServerProcess) -> Credentials:
    """A fresh key of the default project, created with ``zgpu keys create --json``."""
    return create_key(server.data_dir, server.database_url)


def snippet(name: str) -> str:
    """One of the docs' request snippets, verbatim."""
    return (Path(__file__).parent / "snippets" / name).read_text()

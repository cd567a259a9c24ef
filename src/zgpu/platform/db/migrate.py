"""Schema migrations (Alembic), run from code: no ``alembic.ini`` needed.

The migration scripts ship inside the package (``zgpu/platform/db/migrations``), so this works
from an installed wheel as well as from a checkout.
"""

from __future__ import annotations

from importlib import resources

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from zgpu.platform.db.session import Database
from zgpu.platform.errors import StorageError

# Any constant works; it only has to be the same in every process migrating this database.
_PG_MIGRATION_LOCK = 0x7A677075


def script_location() -> str:
    """The directory holding ``env.py`` and ``versions/``."""
    return str(resources.files("zgpu.platform.db").joinpath("migrations"))


_SQLITE_MIGRATION_WAIT_MS = 300_000


def alembic_config(url: str | None = None) -> Config:
    """An Alembic ``Config`` for our scripts; ``url`` is used by offline and CLI use only."""
    config = Config()
    config.set_main_option("script_location", script_location())
    if url is not None:
        config.attributes["url"] = url
    return config


def head_revision() -> str | None:
    """The newest migration's revision id."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(db: Database) -> str | None:
    """The revision the database is at, or ``None`` before the first migration."""
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade_to_head(url: str) -> None:
    """Bring the database at ``url`` to the newest schema; a database at head is left as is.

    Safe to run from several processes at once: PostgreSQL serializes them with an advisory
    lock, SQLite with its write lock (``BEGIN IMMEDIATE``); everything runs in one transaction.
    Raises ``StorageError`` if the database cannot be reached or a migration fails.
    """
    db = Database(url)
    config = alembic_config()
    try:
        with db.engine.connect() as connection:
            if db.dialect == "sqlite":
                # Batch migrations copy tables; enforcing foreign keys would break the copy.
                connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
                # Another process may be migrating: wait for it however long that takes.
                connection.exec_driver_sql(f"PRAGMA busy_timeout={_SQLITE_MIGRATION_WAIT_MS}")
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            elif db.dialect == "postgresql":
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK}
                )
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
            connection.commit()
    except SQLAlchemyError as exc:
        raise StorageError(f"database migration failed: {exc}") from exc
    finally:
        db.dispose()

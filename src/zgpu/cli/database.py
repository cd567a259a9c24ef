"""Opening the database for a one-shot command, migrated and closed afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from zgpu.config import Settings
from zgpu.platform.db import Database, upgrade_to_head


@contextmanager
def open_session(settings: Settings) -> Iterator[Session]:
    """A committed-on-success session on the configured database (migrated first)."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade_to_head(settings.resolved_database_url)
    database = Database(settings.resolved_database_url)
    try:
        with database.session() as session:
            yield session
    finally:
        database.dispose()

"""Alembic environment: metadata from ``zgpu.platform.tables``, connection from the caller.

``zgpu.platform.db.upgrade_to_head`` passes an open connection in
``config.attributes["connection"]``. For ``alembic revision --autogenerate`` during development,
pass a URL in ``config.attributes["url"]`` (see ``alembic_config``).
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from zgpu.platform.db.session import Database
from zgpu.platform.tables import metadata

config = context.config


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _run_with_url(url: str) -> None:
    db = Database(url)
    try:
        with db.engine.connect() as connection:
            _run(connection)
            connection.commit()
    finally:
        db.dispose()


_connection = config.attributes.get("connection")
if _connection is not None:
    _run(_connection)
elif context.is_offline_mode():
    context.configure(url=config.attributes["url"], target_metadata=metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    _run_with_url(config.attributes["url"])

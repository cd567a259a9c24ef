"""One group-commit batch: its log rows, their usage rollups and (optionally) their charges.

``write_batch`` writes a batch in the caller's transaction. On PostgreSQL the log rows and the
rollups are one statement of constant text, one round trip whatever the batch size: the rows
travel as one array per column (``zgpu.platform.db.unnest``), a data-modifying CTE inserts
them as logs, and an ``INSERT ... ON CONFLICT`` groups them into rollup deltas and adds those
(``rollup_from_requests_sql``), each rollup row touched once per batch, in key order.
Grouping in the statement keeps the client's share small: the rollups add one array (the
latencies rounded to microseconds, for exact sums) to what the log rows send anyway. With
billing, one more CTE prices the billable rows and inserts their usage charges
(``zgpu.platform.billing.usage_charge_sql``), and the statement returns the cost per
organization: billing adds no parameter and no round trip. On SQLite (in-process, no round
trips to save) they are executemany statements, grouped in memory (``rollup_rows``) and priced
by a ``UsagePricer`` that keeps owners and prices between batches.

``BatchConnection`` is what the request log writer commits through: it keeps one connection
between batches (no pool checkout and liveness ping per batch). On PostgreSQL that connection
is in autocommit mode and a batch is exactly one round trip: a single statement is atomic, so
the log rows, their rollups and their charges still commit together or not at all.
"""

from __future__ import annotations

import functools
import logging
import uuid
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Connection, Table
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session

from zgpu.platform.billing.prices import DEFAULT_PRICE, Price
from zgpu.platform.billing.usage_charge_sql import (
    CHARGE_TOTALS_SQL,
    charges_cte_sql,
    default_price_params,
)
from zgpu.platform.billing.usage_costs import UsagePricer
from zgpu.platform.db.session import Database
from zgpu.platform.db.unnest import column_arrays, unnest_arrays
from zgpu.platform.errors import StorageError
from zgpu.platform.logs.models import RequestLog
from zgpu.platform.logs.repository import (
    LOG_COLUMNS,
    LOG_PREFIX,
    RequestLogRepository,
    log_insert_sql,
    log_rows,
)
from zgpu.platform.logs.schemas import RequestLogEntry
from zgpu.platform.usage.repository import rollup_from_requests_sql
from zgpu.platform.usage.rollup import latency_us, record_usage

logger = logging.getLogger(__name__)


def write_batch(
    session: Session, entries: Sequence[RequestLogEntry], *, usage_rollups: bool
) -> None:
    """Insert ``entries`` as log rows and, with ``usage_rollups``, add them to the rollups.

    Does not commit: the rows and the rollups commit with the session's transaction. Raises
    SQLAlchemy errors as they come: ``IntegrityError`` for a duplicate request id or a project
    that does not exist.
    """
    if not entries:
        return
    if session.get_bind().dialect.name == "postgresql":
        write_postgres_batch(session.connection(), entries, usage_rollups=usage_rollups)
        return
    RequestLogRepository(session).insert_many(entries)
    if usage_rollups:
        record_usage(session, entries)


def write_postgres_batch(
    connection: Connection,
    entries: Sequence[RequestLogEntry],
    *,
    usage_rollups: bool,
    bill_usage: bool = False,
    default_price: Price = DEFAULT_PRICE,
) -> dict[uuid.UUID, int]:
    """``write_batch`` on a PostgreSQL connection, and with ``bill_usage`` the usage charges
    too: exactly one statement, so the log rows, their rollups and their charges are atomic
    even in autocommit mode. Returns the cost billed per organization (empty without
    billing); ``default_price`` prices models without a price row. Does not commit; raises as
    ``write_batch``, and ``IntegrityError`` for a request id already billed."""
    if not entries:
        return {}
    params: dict[str, Any] = column_arrays(log_rows(entries), LOG_COLUMNS, LOG_PREFIX)
    if usage_rollups:
        params[_LATENCY_US] = [latency_us(entry.latency_ms) for entry in entries]
    if not bill_usage:
        connection.exec_driver_sql(_batch_sql(usage_rollups, False), params)
        return {}
    params.update(default_price_params(default_price))
    totals = connection.exec_driver_sql(_batch_sql(usage_rollups, True), params).all()
    return {organization_id: int(cost) for organization_id, cost in totals}


_LATENCY_US = "latency_us"


@functools.cache
def _batch_sql(usage_rollups: bool, bill_usage: bool) -> str:
    if not usage_rollups and not bill_usage:
        return log_insert_sql(LOG_PREFIX)
    # The batch is a CTE read several times: inserted as log rows, grouped into rollup deltas
    # (each rollup row touched once) and priced into usage charges. Data-modifying CTEs run
    # exactly once, to completion, whether or not the outer query reads them; foreign keys
    # are checked at the end of the statement, as for separate statements.
    table = cast(Table, RequestLog.__table__)
    columns = ", ".join(LOG_COLUMNS)
    extra = [(_LATENCY_US, "BIGINT")] if usage_rollups else []
    names = ", ".join([*LOG_COLUMNS, *(name for name, _ in extra)])
    arrays = unnest_arrays(table, LOG_COLUMNS, LOG_PREFIX, extra=extra)
    head = (
        f"WITH batch AS (SELECT * FROM {arrays} AS b({names})), "
        f"logs AS (INSERT INTO {table.name} ({columns}) SELECT {columns} FROM batch)"
    )
    if not bill_usage:
        return f"{head} {rollup_from_requests_sql('batch')}"
    rollups = f", rollups AS ({rollup_from_requests_sql('batch')})" if usage_rollups else ""
    return f"{head}{rollups}, {charges_cte_sql('batch')} {CHARGE_TOTALS_SQL}"


class BatchConnection:
    """Commits batches of request logs on one connection kept between batches.

    ``write`` is blocking (call it from a worker thread) and must not run concurrently with
    itself or ``close``. A connection that failed is discarded and the next batch opens a new
    one; a batch that failed because the kept connection had died (the server restarted while
    it sat idle) is retried once on a fresh connection. A retry cannot count or bill a request
    twice: request ids are unique, so a batch that had in fact committed fails whole on the
    retry.

    On PostgreSQL the connection is in autocommit mode and a batch, billed or not, is one
    statement: one round trip, atomic. On SQLite a batch is one transaction; billing prices
    it with a ``UsagePricer`` kept for the connection's life (``pricer``).
    """

    def __init__(
        self,
        db: Database,
        *,
        usage_rollups: bool,
        bill_usage: bool,
        default_price: Price = DEFAULT_PRICE,
    ) -> None:
        self._db = db
        self._usage_rollups = usage_rollups
        self._bill_usage = bill_usage
        self._default_price = default_price
        self._postgres = db.dialect == "postgresql"
        self.pricer = UsagePricer(default_price)
        self._connection: Connection | None = None

    def write(self, entries: Sequence[RequestLogEntry]) -> dict[uuid.UUID, int]:
        """Commit ``entries`` (and their rollups and charges); returns the cost per organization.

        The cost is empty unless billing is on. Raises ``StorageError`` (its ``__cause__`` the
        SQLAlchemy error) if the batch did not commit.
        """
        fresh = self._connection is None
        try:
            return self._write_once(entries)
        except SQLAlchemyError as exc:
            self.close()
            if not fresh and isinstance(exc, DBAPIError) and exc.connection_invalidated:
                logger.info("request log connection was lost; retrying on a new one")
                return self.write(entries)
            raise _storage_error(exc) from exc
        except BaseException:
            self.close()  # whatever state the connection is in, the next batch starts afresh
            raise

    def close(self) -> None:
        """Give the kept connection back to the pool (or drop it if it failed)."""
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.close()
            except SQLAlchemyError:
                logger.warning("closing the request log connection failed", exc_info=True)

    def _connect(self) -> Connection:
        if self._connection is None:
            connection = self._db.engine.connect()
            if self._postgres:
                connection = connection.execution_options(isolation_level="AUTOCOMMIT")
            self._connection = connection
        return self._connection

    def _write_once(self, entries: Sequence[RequestLogEntry]) -> dict[uuid.UUID, int]:
        connection = self._connect()
        if self._postgres:
            billed = write_postgres_batch(
                connection,
                entries,
                usage_rollups=self._usage_rollups,
                bill_usage=self._bill_usage,
                default_price=self._default_price,
            )
            connection.commit()  # ends SQLAlchemy's transaction; no round trip in autocommit
            return billed
        with Session(bind=connection) as session, session.begin():
            write_batch(session, entries, usage_rollups=self._usage_rollups)
            if self._bill_usage:
                # The cost is durable exactly when the log row is: one commit for both.
                return self.pricer.record(session, entries)
        return {}


def _storage_error(exc: SQLAlchemyError) -> StorageError:
    return StorageError(f"database operation failed: {type(exc).__name__}")

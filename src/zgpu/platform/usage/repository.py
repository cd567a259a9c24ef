"""Storage of usage rollups: upserts that add to counters, and grouped sums; never commit."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, and_, func, or_, select
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import InstrumentedAttribute, Session

from zgpu.platform.db.unnest import column_arrays, unnest_insert
from zgpu.platform.usage.buckets import GRANULARITIES, Segment
from zgpu.platform.usage.models import ERROR_STATUS, NO_KEY, UsageRollup

COUNTERS = ("requests", "errors", "input_tokens", "output_tokens", "latency_us_sum")
"""The summed columns, in the order query rows carry them (after the grouping columns)."""

_KEY = ("project_id", "granularity", "bucket_start", "api_key_id", "model")
ROLLUP_COLUMNS = (*_KEY, *COUNTERS)
"""Every column of a rollup row, in the order ``rollup_upsert_sql`` lists them."""
ROLLUP_PREFIX = "rollup_"
"""The parameter prefix ``upsert_many`` uses (see ``zgpu.platform.db.unnest``)."""


class UsageRepository:
    """Rollup reads and writes on one session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def upsert_many(self, rows: Sequence[dict[str, Any]]) -> None:
        """Insert each row, or add its counters to the existing row with the same key.

        ``INSERT ... ON CONFLICT DO UPDATE``: on PostgreSQL one statement with one array per
        column (``rollup_upsert_sql``), on SQLite an executemany. Keys must be distinct (each
        row is touched once per statement; ``rollup_rows`` aggregates) and should be sorted
        (``rollup_rows`` does it) so that concurrent transactions lock them in the same order.
        """
        if not rows:
            return
        dialect = self.session.get_bind().dialect.name
        if dialect == "postgresql":
            sql = rollup_upsert_sql(ROLLUP_PREFIX)
            params = column_arrays(rows, ROLLUP_COLUMNS, ROLLUP_PREFIX)
            self.session.connection().exec_driver_sql(sql, params)
            return
        self.session.execute(_upsert_statement(dialect), list(rows))

    def sum_segments(
        self,
        segments: Sequence[Segment],
        project_ids: Sequence[uuid.UUID],
        group_by: Sequence[str],
        *,
        per_bucket: bool,
        api_key_ids: Sequence[uuid.UUID] | None = None,
        models: Sequence[str] | None = None,
    ) -> list[tuple[Any, ...]]:
        """Counters summed over the segments' rows of the given projects, in one query.

        Each result row is ``(*[bucket_start if per_bucket], *group_by columns, *COUNTERS)``;
        ``group_by`` names columns among ``project_id``, ``api_key_id`` and ``model``. Without
        ``per_bucket``, a group may come back once per segment granularity: add them up.
        """
        if not project_ids or not segments:
            return []
        columns: list[InstrumentedAttribute[Any]] = []
        if per_bucket:
            columns.append(UsageRollup.bucket_start)
        else:
            columns.append(UsageRollup.granularity)
        columns.extend(getattr(UsageRollup, name) for name in group_by)
        sums = [func.sum(getattr(UsageRollup, name)) for name in COUNTERS]
        ranges = [
            and_(
                UsageRollup.granularity == segment.granularity.value,
                UsageRollup.bucket_start >= segment.start,
                UsageRollup.bucket_start < segment.end,
            )
            for segment in segments
        ]
        conditions: list[ColumnElement[bool]] = [
            UsageRollup.project_id.in_(project_ids),
            or_(*ranges),
        ]
        if api_key_ids is not None:
            conditions.append(UsageRollup.api_key_id.in_(api_key_ids))
        if models is not None:
            conditions.append(UsageRollup.model.in_(models))
        stmt = select(*columns, *sums).where(*conditions).group_by(*columns)
        rows = self.session.execute(stmt).all()
        return [tuple(row) if per_bucket else tuple(row)[1:] for row in rows]


@functools.cache
def rollup_upsert_sql(prefix: str) -> str:
    """PostgreSQL text of the add-to-counters upsert of a batch of rollup rows, built once.

    Parameters are one array per column of ``ROLLUP_COLUMNS``, named ``prefix + column``
    (``column_arrays`` builds them). The batch's keys must be distinct: PostgreSQL refuses to
    update one row twice in a statement.
    """
    table = cast(Table, UsageRollup.__table__)
    updates = ", ".join(f"{name} = {table.name}.{name} + excluded.{name}" for name in COUNTERS)
    return (
        f"{unnest_insert(table, ROLLUP_COLUMNS, prefix)} "
        f"ON CONFLICT ({', '.join(_KEY)}) DO UPDATE SET {updates}"
    )


@functools.cache
def rollup_from_requests_sql(source: str) -> str:
    """PostgreSQL text adding the requests of relation ``source`` to the rollups, built once.

    ``source`` (a CTE or table name) must have the ``request_logs`` columns ``project_id``,
    ``api_key_id``, ``model``, ``status``, ``input_tokens``, ``output_tokens`` and
    ``created_at``, plus ``latency_us``: each latency already rounded by ``latency_us()``, so
    the sums are the ones ``rollup_rows`` computes, exactly. The requests are grouped per
    rollup key in the statement (each rollup row is touched once, in key order) and added with
    ``ON CONFLICT DO UPDATE``. Buckets are UTC ``date_trunc``s, the boundaries ``floor_time``
    gives.
    """
    table = cast(Table, UsageRollup.__table__)
    granularities = ", ".join(f"('{granularity.value}')" for granularity in GRANULARITIES)
    updates = ", ".join(f"{name} = {table.name}.{name} + excluded.{name}" for name in COUNTERS)
    bucket = "date_trunc(g.granularity, s.created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'"
    return (
        f"INSERT INTO {table.name} ({', '.join(ROLLUP_COLUMNS)}) "
        f"SELECT s.project_id, g.granularity, {bucket}, "
        f"coalesce(s.api_key_id, '{NO_KEY}'::uuid), s.model, "
        f"count(*), count(*) FILTER (WHERE s.status >= {ERROR_STATUS}), "
        "sum(s.input_tokens)::bigint, sum(s.output_tokens)::bigint, sum(s.latency_us)::bigint "
        f"FROM {source} AS s CROSS JOIN (VALUES {granularities}) AS g(granularity) "
        "GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5 "
        f"ON CONFLICT ({', '.join(_KEY)}) DO UPDATE SET {updates}"
    )


@functools.cache
def _upsert_statement(dialect: str) -> Any:
    """The add-to-counters executemany upsert for ``dialect`` (SQLite), built once: building it
    costs more than running it for a small batch. Statements are immutable, so sharing one is
    safe."""
    if dialect != "sqlite":
        raise NotImplementedError(f"usage rollups do not support {dialect}")
    table = cast(Table, UsageRollup.__table__)
    stmt = sqlite.insert(table)
    return stmt.on_conflict_do_update(
        index_elements=list(_KEY),
        set_={name: table.c[name] + stmt.excluded[name] for name in COUNTERS},
    )

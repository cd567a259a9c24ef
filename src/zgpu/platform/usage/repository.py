"""Storage of usage rollups: upserts that add to counters, and grouped sums; never commit."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, and_, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import InstrumentedAttribute, Session

from zgpu.platform.usage.buckets import Segment
from zgpu.platform.usage.models import UsageRollup

COUNTERS = ("requests", "errors", "input_tokens", "output_tokens", "latency_us_sum")
"""The summed columns, in the order query rows carry them (after the grouping columns)."""

_KEY = ("project_id", "granularity", "bucket_start", "api_key_id", "model")


class UsageRepository:
    """Rollup reads and writes on one session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def upsert_many(self, rows: Sequence[dict[str, Any]]) -> None:
        """Insert each row, or add its counters to the existing row with the same key.

        One executemany statement (``INSERT ... ON CONFLICT DO UPDATE``) on SQLite and
        PostgreSQL. Rows should be sorted by key (``rollup_rows`` does it) so that concurrent
        transactions lock them in the same order.
        """
        if not rows:
            return
        stmt = _upsert_statement(self.session.get_bind().dialect.name)
        self.session.execute(stmt, list(rows))

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
def _upsert_statement(dialect: str) -> Any:
    """The add-to-counters upsert for ``dialect``, built once: building it costs more than
    running it for a small batch. Statements are immutable, so sharing one is safe."""
    table = cast(Table, UsageRollup.__table__)
    if dialect == "postgresql":
        pg_stmt = postgresql.insert(table)
        return pg_stmt.on_conflict_do_update(
            index_elements=list(_KEY),
            set_={name: table.c[name] + pg_stmt.excluded[name] for name in COUNTERS},
        )
    if dialect == "sqlite":
        lite_stmt = sqlite.insert(table)
        return lite_stmt.on_conflict_do_update(
            index_elements=list(_KEY),
            set_={name: table.c[name] + lite_stmt.excluded[name] for name in COUNTERS},
        )
    raise NotImplementedError(f"usage rollups do not support {dialect}")

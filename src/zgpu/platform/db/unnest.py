"""Batch inserts of constant text on PostgreSQL: one array per column, spread by ``unnest``.

``INSERT INTO t (a, b) SELECT * FROM unnest(%(p_a)b::T[], %(p_b)b::U[])`` writes any number of
rows with one statement whose text never changes: a single ``execute`` (one round trip, where
an executemany sends one bind per row), and psycopg prepares it server-side after a few uses.
Arrays travel in binary (cheaper to build and to parse than text arrays).
Rows keep their order (``unnest`` walks the arrays in step). The statement pieces are plain SQL
text, built once from the table's metadata, so they can be composed into larger statements
(data-modifying CTEs).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import String, Table
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect


def unnest_insert(table: Table, columns: Sequence[str], prefix: str) -> str:
    """``INSERT INTO table (columns) SELECT * FROM unnest(...)`` with pyformat parameters.

    Each column's parameter is named ``prefix + column`` and cast to an array of the column's
    PostgreSQL type; ``column_arrays`` builds matching values. Raises ``KeyError`` for a
    column the table does not have.
    """
    return (
        f"INSERT INTO {table.name} ({', '.join(columns)}) "
        f"SELECT * FROM {unnest_arrays(table, columns, prefix)}"
    )


def unnest_arrays(
    table: Table,
    columns: Sequence[str],
    prefix: str,
    extra: Sequence[tuple[str, str]] = (),
) -> str:
    """``unnest(%(prefix_a)b::T[], ...)``: the rows of ``column_arrays(rows, columns, prefix)``
    as a set of rows, typed as the table's ``columns``, then one more column per ``extra``
    ``(parameter, SQL element type)``. Raises ``KeyError`` as ``unnest_insert``."""
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    casts = [f"%({prefix}{name})b::{_array_of(table, name, dialect)}" for name in columns]
    casts.extend(f"%({param})b::{element}[]" for param, element in extra)
    return f"unnest({', '.join(casts)})"


def _array_of(table: Table, column: str, dialect: Dialect) -> str:
    type_ = table.c[column].type
    # A cast to VARCHAR(n) would silently truncate; TEXT leaves the column's own length check
    # to raise on assignment, as a plain insert does.
    element = "TEXT" if isinstance(type_, String) else type_.compile(dialect=dialect)
    return f"{element}[]"


def column_arrays(
    rows: Sequence[Mapping[str, Any]], columns: Sequence[str], prefix: str
) -> dict[str, list[Any]]:
    """The parameters of ``unnest_insert(table, columns, prefix)`` for ``rows``.

    Every row must have every column (``KeyError`` otherwise); ``None`` becomes SQL NULL.
    """
    return {f"{prefix}{name}": [row[name] for row in rows] for name in columns}

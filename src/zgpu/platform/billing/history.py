"""The billing history: ledger entries, failed charges and pending usage, newest first.

Lines come from three places:

- every ledger entry (credits, auto recharges, settled usage per day and model, refunds,
  adjustments), status ``succeeded`` or ``settled``;
- every failed charge, status ``failed``: shown with the amount that was attempted, but it
  moved no money (``counted`` is false);
- usage not settled yet, one ``pending`` line per day and model. These lines are already in
  the balance; they are listed at the top of the first page only.

Pages are keyset-paginated over ``(created_at, source, id)`` with an opaque cursor, so lines
written while a reader pages never shift a page. ``history_csv`` exports every matching line.
"""

from __future__ import annotations

import base64
import csv
import io
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, and_, false, func, or_, select, true
from sqlalchemy.orm import InstrumentedAttribute, Session

from zgpu.platform.billing.models import Charge, LedgerEntry, UsageCharge
from zgpu.platform.billing.money import usd_decimal_text
from zgpu.platform.billing.schemas import (
    KIND_TITLES,
    EntryStatus,
    HistoryLine,
    HistoryPage,
    LedgerKind,
)
from zgpu.platform.billing.usage_settlement import DAY, start_of_day, usage_description
from zgpu.platform.errors import InvalidArgument

MAX_PAGE = 200
_LEDGER, _CHARGE = 1, 0  # source ranks in the sort order
CSV_COLUMNS = ("date", "description", "amount_usd", "amount_micro", "status", "reference")


@dataclass(frozen=True, slots=True)
class HistoryFilter:
    """Which lines to list: kinds (all when empty) and a half-open ``[start, end)`` range."""

    kinds: frozenset[LedgerKind] = frozenset()
    start: datetime | None = None
    end: datetime | None = None

    def wants(self, kind: LedgerKind) -> bool:
        """Whether lines of ``kind`` are listed."""
        return not self.kinds or kind in self.kinds


@dataclass(frozen=True, slots=True)
class _Cursor:
    created_at: datetime
    rank: int
    key: str


def billing_history(
    session: Session,
    organization_id: uuid.UUID,
    *,
    filters: HistoryFilter = HistoryFilter(),
    cursor: str | None = None,
    limit: int = 50,
    now: datetime | None = None,
) -> HistoryPage:
    """One page of the organization's history (see the module doc).

    Raises ``InvalidArgument`` for a limit outside 1-200 (param ``limit``), a malformed
    cursor (param ``cursor``) or a range whose end is not after its start (param ``end``).
    """
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidArgument(f"limit must be 1-{MAX_PAGE}", param="limit")
    if filters.start and filters.end and filters.end <= filters.start:
        raise InvalidArgument("end must be after start", param="end")
    after = _decode(cursor) if cursor else None
    lines = _ledger_lines(session, organization_id, filters, after, limit + 1)
    lines += _failed_charge_lines(session, organization_id, filters, after, limit + 1)
    lines.sort(key=_sort_key, reverse=True)
    more = len(lines) > limit
    page = lines[:limit]
    next_cursor = _encode(page[-1]) if more and page else None
    if after is None and filters.wants(LedgerKind.USAGE):
        page = _pending_usage_lines(session, organization_id, filters, now) + page
    return HistoryPage(page, next_cursor)


def history_csv(
    session: Session,
    organization_id: uuid.UUID,
    *,
    filters: HistoryFilter = HistoryFilter(),
    now: datetime | None = None,
) -> Iterator[str]:
    """Every matching line as CSV text chunks (a header, then one chunk per page).

    Dates are ISO 8601 in UTC; ``amount_usd`` is the exact signed amount (``+5.00``,
    ``-0.001234``); failed charges are included with status ``failed``.
    """
    yield _csv_rows([CSV_COLUMNS])
    cursor: str | None = None
    while True:
        page = billing_history(
            session, organization_id, filters=filters, cursor=cursor, limit=MAX_PAGE, now=now
        )
        yield _csv_rows([_csv_row(line) for line in page.lines])
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


def _csv_row(line: HistoryLine) -> tuple[str, ...]:
    sign = "+" if line.amount_micro > 0 else ""
    return (
        line.created_at.astimezone(UTC).isoformat(),
        line.description,
        f"{sign}{usd_decimal_text(line.amount_micro)}",
        str(line.amount_micro),
        line.status.value,
        line.reference or "",
    )


def _csv_rows(rows: Sequence[Sequence[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows(rows)
    return buffer.getvalue()


def _ledger_lines(
    session: Session,
    organization_id: uuid.UUID,
    filters: HistoryFilter,
    after: _Cursor | None,
    limit: int,
) -> list[HistoryLine]:
    query = select(LedgerEntry).where(LedgerEntry.organization_id == organization_id)
    if filters.kinds:
        query = query.where(LedgerEntry.kind.in_(sorted(k.value for k in filters.kinds)))
    query = query.where(*_range(LedgerEntry.created_at, filters))
    if after is not None:
        key = int(after.key) if after.rank == _LEDGER else 0
        query = query.where(_before(LedgerEntry.created_at, LedgerEntry.id < key, after, _LEDGER))
    query = query.order_by(LedgerEntry.created_at.desc(), LedgerEntry.id.desc()).limit(limit)
    return [
        HistoryLine(
            id=f"L{entry.id}",
            created_at=entry.created_at,
            kind=LedgerKind(entry.kind),
            description=entry.description,
            amount_micro=entry.amount_micro,
            status=EntryStatus(entry.status),
            counted=True,
            reference=entry.reference,
            model=entry.model,
        )
        for entry in session.scalars(query)
    ]


def _failed_charge_lines(
    session: Session,
    organization_id: uuid.UUID,
    filters: HistoryFilter,
    after: _Cursor | None,
    limit: int,
) -> list[HistoryLine]:
    kinds = [k.value for k in (LedgerKind.CREDIT, LedgerKind.AUTO_RECHARGE) if filters.wants(k)]
    if not kinds:
        return []
    query = select(Charge).where(
        Charge.organization_id == organization_id,
        Charge.status == "failed",
        Charge.kind.in_(kinds),
        *_range(Charge.created_at, filters),
    )
    if after is not None:
        key = uuid.UUID(after.key) if after.rank == _CHARGE else uuid.UUID(int=0)
        query = query.where(_before(Charge.created_at, Charge.id < key, after, _CHARGE))
    query = query.order_by(Charge.created_at.desc(), Charge.id.desc()).limit(limit)
    return [
        HistoryLine(
            id=f"C{charge.id}",
            created_at=charge.created_at,
            kind=LedgerKind(charge.kind),
            description=f"{KIND_TITLES[LedgerKind(charge.kind)]} failed: "
            f"{charge.failure_message or charge.failure_code}",
            amount_micro=charge.amount_micro,
            status=EntryStatus.FAILED,
            counted=False,
            reference=f"charge:{charge.id}",
        )
        for charge in session.scalars(query)
    ]


def _pending_usage_lines(
    session: Session, organization_id: uuid.UUID, filters: HistoryFilter, now: datetime | None
) -> list[HistoryLine]:
    unsettled = (UsageCharge.organization_id == organization_id, UsageCharge.settled_at.is_(None))
    bounds = _range(UsageCharge.created_at, filters)
    first, last = session.execute(
        select(func.min(UsageCharge.created_at), func.max(UsageCharge.created_at)).where(
            *unsettled, *bounds
        )
    ).one()
    if first is None:
        return []
    lines: list[HistoryLine] = []
    day = start_of_day(first)
    while day <= last:
        groups = session.execute(
            select(
                UsageCharge.model,
                func.sum(UsageCharge.cost_micro),
                func.max(UsageCharge.created_at),
            )
            .where(
                *unsettled,
                *bounds,
                UsageCharge.created_at >= day,
                UsageCharge.created_at < day + DAY,
            )
            .group_by(UsageCharge.model)
            .order_by(UsageCharge.model)
        ).all()
        for model, total, latest in groups:
            lines.append(
                HistoryLine(
                    id=f"U{day:%Y-%m-%d}:{model}",
                    created_at=latest,
                    kind=LedgerKind.USAGE,
                    description=usage_description(model, day),
                    amount_micro=-int(total),
                    status=EntryStatus.PENDING,
                    counted=True,
                    model=model,
                )
            )
        day += DAY
    lines.sort(key=lambda line: (line.created_at, line.id), reverse=True)
    return lines


def _range(
    column: InstrumentedAttribute[datetime], filters: HistoryFilter
) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.start is not None:
        conditions.append(column >= filters.start)
    if filters.end is not None:
        conditions.append(column < filters.end)
    return conditions


def _before(
    column: InstrumentedAttribute[datetime],
    key_before: ColumnElement[bool],
    after: _Cursor,
    rank: int,
) -> ColumnElement[bool]:
    """Rows sorting after the cursor in ``(created_at, rank, key)`` descending order."""
    if rank < after.rank:
        same_time: ColumnElement[bool] = true()
    elif rank > after.rank:
        same_time = false()
    else:
        same_time = key_before
    return or_(column < after.created_at, and_(column == after.created_at, same_time))


def _sort_key(line: HistoryLine) -> tuple[datetime, int, int | str]:
    if line.id.startswith("L"):
        return (line.created_at, _LEDGER, int(line.id[1:]))
    return (line.created_at, _CHARGE, line.id[1:])


def _encode(line: HistoryLine) -> str:
    rank = _LEDGER if line.id.startswith("L") else _CHARGE
    raw = f"{line.created_at.astimezone(UTC).isoformat()}|{rank}|{line.id[1:]}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str) -> _Cursor:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, rank_text, key = raw.split("|")
        created_at = datetime.fromisoformat(stamp)
        rank = int(rank_text)
        if created_at.utcoffset() is None or rank not in (_LEDGER, _CHARGE):
            raise ValueError(rank)
        if rank == _LEDGER:
            int(key)
        else:
            uuid.UUID(key)
    except (ValueError, UnicodeDecodeError):
        raise InvalidArgument(
            "cursor is not a cursor this endpoint returned", param="cursor"
        ) from None
    return _Cursor(created_at, rank, key)

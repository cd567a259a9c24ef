"""Recording what each request cost, in the transaction that writes its request log row.

The request log writer bills each batch in its batch transaction, so a request's log row and
its usage charge commit together or not at all. A request is billed when it succeeded (status
below 400); its cost uses the price in effect at its ``created_at`` (see
``zgpu.platform.billing.prices`` for the formula). ``request_id`` is unique in
``usage_charges``: a request recorded twice fails the second write, so each cost is counted
exactly once.

On PostgreSQL the writer prices a batch inside its single statement
(``zgpu.platform.billing.usage_charge_sql``). Elsewhere it uses a ``UsagePricer``, which keeps
what a batch needs to read between batches:

- **owners**: a project never changes organization, so an owner read once stays right. (A
  project is archived, never moved; the log row of a project that does not exist fails its
  foreign key, and its charge with it.)
- **prices**: ``billing_prices`` rows are only ever inserted (a price change is a new row), so
  ``(count(*), max(id))`` of the table changes with every committed change, whatever order
  concurrent inserts commit in. Each batch reads that version first (one aggregate over a
  table of a few rows) and reloads every price row when it moved. A request is therefore
  priced from exactly the rows committed when its batch runs, as if nothing were cached.
"""

from __future__ import annotations

import bisect
import functools
import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Final, Protocol, cast

from sqlalchemy import Insert, Table, insert, select
from sqlalchemy.orm import Session

from zgpu.platform.billing.models import ModelPrice, UsageCharge
from zgpu.platform.billing.prices import DEFAULT_PRICE, Price, request_cost_micro
from zgpu.platform.projects.models import Project

BILLABLE_BELOW_STATUS: Final = 400
"""Requests answered with a status below this are billed; errors are free."""
MAX_CACHED_OWNERS: Final = 100_000
"""A ``UsagePricer`` forgets every owner when it knows more projects than this."""


class BillableRequest(Protocol):
    """What billing needs of a recorded request (``RequestLogEntry`` has all of it)."""

    @property
    def request_id(self) -> str: ...
    @property
    def project_id(self) -> uuid.UUID: ...
    @property
    def model(self) -> str: ...
    @property
    def status(self) -> int: ...
    @property
    def input_tokens(self) -> int: ...
    @property
    def output_tokens(self) -> int: ...
    @property
    def created_at(self) -> datetime: ...


class PriceTimeline:
    """The price rows of some models, to price many requests without a query each."""

    def __init__(self, rows: Iterable[tuple[str, datetime, Price]], default: Price) -> None:
        self._default = default
        self._starts: dict[str, list[datetime]] = {}
        self._prices: dict[str, list[Price]] = {}
        for model, start, price in sorted(rows, key=lambda row: (row[0], row[1])):
            self._starts.setdefault(model, []).append(start)
            self._prices.setdefault(model, []).append(price)

    @classmethod
    def load(
        cls, session: Session, default: Price, models: Iterable[str] | None = None
    ) -> PriceTimeline:
        """Every price row (of ``models`` when given)."""
        query = select(
            ModelPrice.model,
            ModelPrice.effective_from,
            ModelPrice.input_micro_usd_per_million,
            ModelPrice.output_micro_usd_per_million,
        )
        if models is not None:
            query = query.where(ModelPrice.model.in_(sorted(set(models))))
        rows = session.execute(query).all()
        return cls(((r[0], r[1], Price(r[2], r[3])) for r in rows), default)

    def at(self, model: str, when: datetime) -> Price:
        """The price of ``model`` in effect at ``when`` (the default before any row)."""
        starts = self._starts.get(model)
        if not starts:
            return self._default
        index = bisect.bisect_right(starts, when) - 1
        return self._prices[model][index] if index >= 0 else self._default


_PriceVersion = tuple[int, int | None]


class UsagePricer:
    """Prices batches of requests, keeping project owners and price rows between batches.

    See the module doc for why a cached owner or price is never stale. ``default_price``
    prices models that have no price row in effect. One pricer serves one writer: it is not
    safe to use from two threads at once. ``owner_reads`` and ``price_loads`` count the
    queries that were not answered from the cache.
    """

    def __init__(self, default_price: Price = DEFAULT_PRICE) -> None:
        self._default = default_price
        self._owners: dict[uuid.UUID, uuid.UUID] = {}
        self._timeline: PriceTimeline | None = None
        self._version: _PriceVersion | None = None
        self.owner_reads = 0
        self.price_loads = 0

    def cost_rows(
        self, session: Session, requests: Iterable[BillableRequest]
    ) -> list[dict[str, Any]]:
        """The ``usage_charges`` rows of the billable ``requests``, in their order.

        Reads in the session's transaction: the price version always, owners of projects not
        seen before, and the price rows when the version moved. Requests of projects that do
        not exist are left out (their log rows fail on their own). Raises ``InvalidArgument``
        for negative token counts and SQLAlchemy errors as they come.
        """
        billable = [r for r in requests if r.status < BILLABLE_BELOW_STATUS]
        if not billable:
            return []
        owners = self._owners_of(session, {r.project_id for r in billable})
        timeline = self._current_timeline(session)
        rows = []
        for request in billable:
            organization_id = owners.get(request.project_id)
            if organization_id is None:
                continue
            price = timeline.at(request.model, request.created_at)
            rows.append(
                {
                    "request_id": request.request_id,
                    "organization_id": organization_id,
                    "project_id": request.project_id,
                    "model": request.model,
                    "input_tokens": request.input_tokens,
                    "output_tokens": request.output_tokens,
                    "cost_micro": request_cost_micro(
                        price, request.input_tokens, request.output_tokens
                    ),
                    "created_at": request.created_at,
                    "settled_at": None,
                    "settlement_id": None,
                }
            )
        return rows

    def record(self, session: Session, requests: Iterable[BillableRequest]) -> dict[uuid.UUID, int]:
        """Insert the usage charges of ``requests`` in the caller's transaction (one
        executemany; does not commit). Returns the cost recorded per organization.

        A ``request_id`` already billed raises SQLAlchemy's ``IntegrityError``; otherwise
        raises as ``cost_rows``.
        """
        rows = self.cost_rows(session, requests)
        if not rows:
            return {}
        session.execute(_charge_insert(), rows)
        return charge_totals(rows)

    def _owners_of(self, session: Session, projects: set[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
        missing = projects.difference(self._owners)
        if missing:
            self.owner_reads += 1
            found = session.execute(
                select(Project.id, Project.organization_id).where(Project.id.in_(sorted(missing)))
            ).all()
            if len(self._owners) + len(found) > MAX_CACHED_OWNERS:
                self._owners.clear()
            self._owners.update((row[0], row[1]) for row in found)
        return self._owners

    def _current_timeline(self, session: Session) -> PriceTimeline:
        # The version is read before the rows: a price committed in between makes the next
        # batch reload again, never keeps a row set under a version that does not cover it.
        version_row = session.connection().exec_driver_sql(_PRICE_VERSION_SQL).one()
        version: _PriceVersion = (int(version_row[0]), version_row[1])
        if self._timeline is None or version != self._version:
            self.price_loads += 1
            self._timeline = PriceTimeline.load(session, self._default)
            self._version = version
        return self._timeline


_PRICE_VERSION_SQL: Final = "SELECT count(*), max(id) FROM billing_prices"


@functools.cache
def _charge_insert() -> Insert:
    """The executemany insert of charge rows, built once (building costs more than running it
    for a small batch; statements are immutable, so sharing one is safe)."""
    return insert(cast(Table, UsageCharge.__table__))


def charge_totals(rows: Iterable[dict[str, Any]]) -> dict[uuid.UUID, int]:
    """The sum of ``cost_micro`` per ``organization_id`` of charge rows."""
    totals: dict[uuid.UUID, int] = {}
    for row in rows:
        totals[row["organization_id"]] = totals.get(row["organization_id"], 0) + row["cost_micro"]
    return totals


def usage_cost_rows(
    session: Session, requests: Sequence[BillableRequest], *, default_price: Price = DEFAULT_PRICE
) -> list[dict[str, Any]]:
    """The ``usage_charges`` rows for the billable ``requests``, sorted by request id.

    Reads owners and prices afresh; raises as ``UsagePricer.cost_rows``.
    """
    rows = UsagePricer(default_price).cost_rows(session, requests)
    rows.sort(key=lambda row: str(row["request_id"]))
    return rows


def record_usage_costs(
    session: Session, requests: Iterable[BillableRequest], *, default_price: Price = DEFAULT_PRICE
) -> dict[uuid.UUID, int]:
    """Insert the usage charges of ``requests`` in the caller's transaction; does not commit.
    Returns the cost recorded per organization (to decide on auto recharges).

    Reads owners and prices afresh (the writer keeps a ``UsagePricer`` instead).
    ``default_price`` prices models that have no price row. A ``request_id`` already billed
    raises SQLAlchemy's ``IntegrityError`` (the writer's unit of work turns it into
    ``StorageError`` and retries its entries one by one).
    """
    return UsagePricer(default_price).record(session, requests)

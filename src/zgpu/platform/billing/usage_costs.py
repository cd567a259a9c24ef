"""Recording what each request cost, in the transaction that writes its request log row.

The request log writer calls ``record_usage_costs(session, entries)`` inside its batch
transaction, so a request's log row and its usage charge commit together or not at all. A
request is billed when it succeeded (status below 400); its cost uses the price in effect at
its ``created_at`` (see ``zgpu.platform.billing.prices`` for the formula). ``request_id`` is
unique in ``usage_charges``: a request recorded twice fails the second write, so each cost is
counted exactly once.
"""

from __future__ import annotations

import bisect
import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from zgpu.platform.billing.models import ModelPrice, UsageCharge
from zgpu.platform.billing.prices import DEFAULT_PRICE, Price, request_cost_micro
from zgpu.platform.projects.models import Project

BILLABLE_BELOW_STATUS = 400
"""Requests answered with a status below this are billed; errors are free."""


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
    """The price rows of some models, to price many requests with one query."""

    def __init__(self, rows: Iterable[tuple[str, datetime, Price]], default: Price) -> None:
        self._default = default
        self._starts: dict[str, list[datetime]] = {}
        self._prices: dict[str, list[Price]] = {}
        for model, start, price in sorted(rows, key=lambda row: (row[0], row[1])):
            self._starts.setdefault(model, []).append(start)
            self._prices.setdefault(model, []).append(price)

    @classmethod
    def load(cls, session: Session, models: Iterable[str], default: Price) -> PriceTimeline:
        """Every price row of ``models``."""
        wanted = sorted(set(models))
        rows = session.execute(
            select(
                ModelPrice.model,
                ModelPrice.effective_from,
                ModelPrice.input_micro_usd_per_million,
                ModelPrice.output_micro_usd_per_million,
            ).where(ModelPrice.model.in_(wanted))
        ).all()
        return cls(((r[0], r[1], Price(r[2], r[3])) for r in rows), default)

    def at(self, model: str, when: datetime) -> Price:
        """The price of ``model`` in effect at ``when`` (the default before any row)."""
        starts = self._starts.get(model)
        if not starts:
            return self._default
        index = bisect.bisect_right(starts, when) - 1
        return self._prices[model][index] if index >= 0 else self._default


def usage_cost_rows(
    session: Session, requests: Iterable[BillableRequest], *, default_price: Price = DEFAULT_PRICE
) -> list[dict[str, Any]]:
    """The ``usage_charges`` rows for the billable ``requests``, sorted by request id.

    Requests of projects that do not exist are left out (their log rows fail on their own).
    """
    billable = [r for r in requests if r.status < BILLABLE_BELOW_STATUS]
    if not billable:
        return []
    project_ids = sorted({r.project_id for r in billable})
    owners = dict(
        session.execute(
            select(Project.id, Project.organization_id).where(Project.id.in_(project_ids))
        ).all()
    )
    timeline = PriceTimeline.load(session, (r.model for r in billable), default_price)
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
            }
        )
    rows.sort(key=lambda row: str(row["request_id"]))
    return rows


def record_usage_costs(
    session: Session, requests: Iterable[BillableRequest], *, default_price: Price = DEFAULT_PRICE
) -> dict[uuid.UUID, int]:
    """Insert the usage charges of ``requests`` in the caller's transaction; flushes, does not
    commit. Returns the cost recorded per organization (to decide on auto recharges).

    ``default_price`` prices models that have no price row. A ``request_id`` already billed
    raises SQLAlchemy's ``IntegrityError`` (the writer's unit of work turns it into
    ``StorageError`` and retries its entries one by one).
    """
    rows = usage_cost_rows(session, requests, default_price=default_price)
    if not rows:
        return {}
    session.execute(insert(UsageCharge), rows)
    totals: dict[uuid.UUID, int] = {}
    for row in rows:
        totals[row["organization_id"]] = totals.get(row["organization_id"], 0) + row["cost_micro"]
    return totals

"""Model prices with effective dates, and the exact cost of a request.

A price applies from its ``effective_from`` until the next price of the same model. Changing a
price adds a row that takes effect now or later; rows already in effect are never changed, and
each request's cost is computed once, when it is recorded, so history never moves.

Cost of one request, in micro-dollars, rounded up to a whole micro-dollar::

    cost_micro = ceil((input_tokens × input_price + output_tokens × output_price) / 1_000_000)

where prices are micro-dollars per million tokens. The numerator is an exact integer, so the
only rounding is that one ceiling per request (at most one micro-dollar, $0.000001).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from zgpu.platform.billing.models import ModelPrice
from zgpu.platform.db.integrity import flush_or_conflict
from zgpu.platform.errors import InvalidArgument, NotFound

TOKENS_PER_PRICE_UNIT: Final = 1_000_000
"""Prices are per million tokens."""
MAX_PRICE_MICRO: Final = 1_000_000_000_000
"""Refuse prices over $1,000,000 per million tokens: certainly a typo."""


@dataclass(frozen=True, slots=True)
class Price:
    """USD per million tokens, in micro-dollars: ``Price(200_000, 400_000)`` is $0.20 input and
    $0.40 output per million tokens."""

    input_micro_usd_per_million: int
    output_micro_usd_per_million: int


DEFAULT_PRICE: Final = Price(
    input_micro_usd_per_million=200_000, output_micro_usd_per_million=400_000
)
"""$0.20 per million input tokens and $0.40 per million output tokens."""


@dataclass(frozen=True, slots=True)
class PriceInfo:
    """One price row: the model, the price and when it takes effect."""

    model: str
    price: Price
    effective_from: datetime
    created_at: datetime


def request_cost_micro(price: Price, input_tokens: int, output_tokens: int) -> int:
    """The cost of one request in micro-dollars (see the module doc for the rounding).

    Raises ``InvalidArgument`` for negative token counts.
    """
    if input_tokens < 0 or output_tokens < 0:
        raise InvalidArgument("token counts must not be negative", param="tokens")
    numerator = (
        input_tokens * price.input_micro_usd_per_million
        + output_tokens * price.output_micro_usd_per_million
    )
    return -(-numerator // TOKENS_PER_PRICE_UNIT)


def max_request_cost_micro(price: Price, max_input_tokens: int, max_output_tokens: int) -> int:
    """The most one request can cost: its cost at the model's token limits."""
    return request_cost_micro(price, max_input_tokens, max_output_tokens)


def price_at(session: Session, model: str, at: datetime, *, default: Price | None = None) -> Price:
    """The price of ``model`` in effect at ``at``.

    Falls back to ``default`` when no price row applies; raises ``NotFound`` (param
    ``model``) when there is none and no default.
    """
    row = session.execute(
        select(ModelPrice.input_micro_usd_per_million, ModelPrice.output_micro_usd_per_million)
        .where(ModelPrice.model == model, ModelPrice.effective_from <= at)
        .order_by(ModelPrice.effective_from.desc())
        .limit(1)
    ).first()
    if row is not None:
        return Price(row[0], row[1])
    if default is not None:
        return default
    raise NotFound(f"no price is set for model {model!r}", param="model")


def set_price(
    session: Session, model: str, price: Price, effective_from: datetime, *, now: datetime
) -> PriceInfo:
    """Add a price for ``model`` taking effect at ``effective_from`` (not before ``now``).

    Raises ``InvalidArgument`` for an empty model, a negative or absurd price, or an
    effective date in the past (which would rewrite history; param ``effective_from``), and
    ``Conflict`` when the model already has a price starting at that exact time.
    """
    model = model.strip()
    if not model or len(model) > 128:
        raise InvalidArgument("model must be 1-128 characters", param="model")
    for name, value in (
        ("input_micro_usd_per_million", price.input_micro_usd_per_million),
        ("output_micro_usd_per_million", price.output_micro_usd_per_million),
    ):
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not 0 <= value <= MAX_PRICE_MICRO
        ):
            raise InvalidArgument(
                f"{name} must be an integer from 0 to {MAX_PRICE_MICRO}", param=name
            )
    if effective_from.utcoffset() is None:
        raise InvalidArgument("effective_from must be timezone-aware", param="effective_from")
    if effective_from < now:
        raise InvalidArgument(
            "effective_from is in the past: a price change may not rewrite history",
            param="effective_from",
        )
    row = ModelPrice(
        model=model,
        input_micro_usd_per_million=price.input_micro_usd_per_million,
        output_micro_usd_per_million=price.output_micro_usd_per_million,
        effective_from=effective_from,
        created_at=now,
    )
    session.add(row)
    flush_or_conflict(
        session,
        f"{model} already has a price from {effective_from.isoformat()}",
        param="effective_from",
    )
    return _info(row)


def list_prices(session: Session, model: str | None = None) -> list[PriceInfo]:
    """Every price row (of ``model`` when given), by model then effective date."""
    query = select(ModelPrice).order_by(ModelPrice.model, ModelPrice.effective_from)
    if model is not None:
        query = query.where(ModelPrice.model == model)
    return [_info(row) for row in session.scalars(query)]


def current_prices(session: Session, at: datetime) -> dict[str, Price]:
    """The price of every priced model in effect at ``at`` (models priced only later are
    left out)."""
    prices: dict[str, Price] = {}
    for info in list_prices(session):
        if info.effective_from <= at:
            prices[info.model] = info.price
    return prices


def _info(row: ModelPrice) -> PriceInfo:
    return PriceInfo(
        model=row.model,
        price=Price(row.input_micro_usd_per_million, row.output_micro_usd_per_million),
        effective_from=row.effective_from,
        created_at=row.created_at,
    )


def overdraft_bound_micro(in_flight_requests: int, max_cost_micro: int) -> int:
    """How far below zero a balance can go: every request admitted before it crossed zero
    (at most ``in_flight_requests`` across all gateways) finishing at the most one request
    can cost. See docs/billing.md."""
    return in_flight_requests * max_cost_micro

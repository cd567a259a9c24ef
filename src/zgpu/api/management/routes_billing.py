"""``/v1/organization/billing``: balance, credit purchases, payment methods, auto recharge,
billing history (with CSV export) and model prices.

Amounts go out as integer micro-dollars (``*_micro``) beside exact decimal strings
(``*_usd``); they come in as a decimal string of dollars (``amount_usd``: ``"25"``,
``"12.50"``) or integer cents (``amount_cents``), never as a JSON float. Buying credit needs an
``Idempotency-Key`` header: a retry with the same key and body returns the first purchase and
charges nothing; the same key with another body is 409 ``idempotency_conflict``.

The ``Billing`` service (payment provider and limits) is ``app.state.billing``; an app that
sets none gets the built-in test card processor with default limits.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field, StrictInt
from sqlalchemy.orm import Session

from zgpu.api.deps import GatewayDep
from zgpu.api.errors import error_responses
from zgpu.api.management.deps import OrgAccess, in_session, require_permission
from zgpu.platform.authz import Permission
from zgpu.platform.billing import (
    AutoRechargeSettings,
    Billing,
    CardDetails,
    CreditReceipt,
    HistoryFilter,
    HistoryLine,
    LedgerKind,
    PaymentMethodInfo,
    Price,
    PriceInfo,
    balance_of,
    billing_history,
    cents_to_micro,
    get_auto_recharge,
    history_csv,
    list_payment_methods,
    list_prices,
    parse_usd,
    remove_payment_method,
    set_default_payment_method,
    set_price,
)
from zgpu.platform.billing.money import usd_decimal_text
from zgpu.platform.db import utc_now
from zgpu.platform.errors import Forbidden, InvalidArgument

billing_router = APIRouter(prefix="/v1/organization/billing", tags=["billing"])

_ERRORS = error_responses(400, 401, 403, 404)
_WRITE_ERRORS = error_responses(400, 401, 403, 404, 409)
MAX_UNIX = 253402300799


def get_billing(request: Request) -> Billing:
    """The app's ``Billing`` (``app.state.billing``), created with defaults on first use."""
    billing = getattr(request.app.state, "billing", None)
    if not isinstance(billing, Billing):
        billing = Billing()
        request.app.state.billing = billing
    return billing


BillingDep = Annotated[Billing, Depends(get_billing)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _usd(micro: int) -> str:
    return usd_decimal_text(micro)


def _unix(value: datetime | None) -> int | None:
    return int(value.timestamp()) if value is not None else None


class BalanceObject(BaseModel):
    """The credit balance: ledger minus unsettled usage, and the purchase limits."""

    object: Literal["billing.balance"] = "billing.balance"
    currency: Literal["usd"] = "usd"
    balance_micro: int = Field(description="Available credit in micro-dollars (1 USD = 1e6).")
    balance_usd: str = Field(description="The same, as an exact decimal string.")
    ledger_micro: int
    unsettled_usage_micro: int
    credit_presets_usd: list[str]
    min_credit_usd: str
    max_credit_usd: str


class CardIn(_In):
    """A new card, as typed into the checkout form."""

    number: str = Field(max_length=32)
    exp: str = Field(max_length=16, description="MM/YY")
    cvc: str = Field(max_length=8)
    country: str = Field(max_length=8, description="ISO 3166-1 alpha-2 billing country.")

    def details(self) -> CardDetails:
        """The platform's card value."""
        return CardDetails(self.number, self.exp, self.cvc, self.country)


class CreditIn(_In):
    """Add credit: an amount (``amount_usd`` or ``amount_cents``) and a saved payment method
    (the default when neither it nor a card is given) or a new card."""

    amount_usd: str | None = Field(default=None, max_length=32, examples=["25.00"])
    amount_cents: StrictInt | None = None
    payment_method_id: uuid.UUID | None = None
    card: CardIn | None = None


class CreditObject(BaseModel):
    """A credit purchase (the same for every retry of its Idempotency-Key)."""

    object: Literal["billing.credit"] = "billing.credit"
    id: str
    amount_micro: int
    amount_usd: str
    status: str
    payment_method_id: str
    ledger_entry_id: int | None
    created_at: int
    replayed: bool

    @classmethod
    def of(cls, receipt: CreditReceipt) -> CreditObject:
        """The wire shape of a receipt."""
        return cls(
            id=str(receipt.charge_id),
            amount_micro=receipt.amount_micro,
            amount_usd=_usd(receipt.amount_micro),
            status=receipt.status,
            payment_method_id=str(receipt.payment_method_id),
            ledger_entry_id=receipt.ledger_entry_id,
            created_at=int(receipt.created_at.timestamp()),
            replayed=receipt.replayed,
        )


class PaymentMethodObject(BaseModel):
    """A saved card: brand, last four digits, expiry, country. Never the number."""

    object: Literal["payment_method"] = "payment_method"
    id: str
    brand: str
    last4: str
    exp_month: int
    exp_year: int
    country: str
    is_default: bool
    created_at: int

    @classmethod
    def of(cls, method: PaymentMethodInfo) -> PaymentMethodObject:
        """The wire shape of a payment method."""
        return cls(
            id=str(method.id),
            brand=method.brand,
            last4=method.last4,
            exp_month=method.exp_month,
            exp_year=method.exp_year,
            country=method.country,
            is_default=method.is_default,
            created_at=int(method.created_at.timestamp()),
        )


class PaymentMethodList(BaseModel):
    """The organization's payment methods, the default first."""

    object: Literal["list"] = "list"
    data: list[PaymentMethodObject]


class PaymentMethodIn(_In):
    """Save a new card."""

    card: CardIn
    make_default: bool = False


class AutoRechargeIn(_In):
    """Auto recharge settings; ``payment_method_id`` null means the default method."""

    enabled: bool
    threshold_usd: str = Field(max_length=32, examples=["5.00"])
    amount_usd: str = Field(max_length=32, examples=["25.00"])
    payment_method_id: uuid.UUID | None = None


class AutoRechargeObject(BaseModel):
    """Auto recharge: settings, state, and the last failure (and why it turned off)."""

    object: Literal["billing.auto_recharge"] = "billing.auto_recharge"
    enabled: bool
    threshold_micro: int
    threshold_usd: str
    amount_micro: int
    amount_usd: str
    payment_method_id: str | None
    state: str
    failures: int
    next_attempt_at: int | None
    last_failure_code: str | None
    last_failure_message: str | None
    last_failure_at: int | None
    disabled_reason: str | None
    disabled_at: int | None

    @classmethod
    def of(cls, s: AutoRechargeSettings) -> AutoRechargeObject:
        """The wire shape of the settings."""
        return cls(
            enabled=s.enabled,
            threshold_micro=s.threshold_micro,
            threshold_usd=_usd(s.threshold_micro),
            amount_micro=s.amount_micro,
            amount_usd=_usd(s.amount_micro),
            payment_method_id=str(s.payment_method_id) if s.payment_method_id else None,
            state=s.state,
            failures=s.failures,
            next_attempt_at=_unix(s.next_attempt_at),
            last_failure_code=s.last_failure_code,
            last_failure_message=s.last_failure_message,
            last_failure_at=_unix(s.last_failure_at),
            disabled_reason=s.disabled_reason,
            disabled_at=_unix(s.disabled_at),
        )


class HistoryEntry(BaseModel):
    """One line of the billing history; ``amount`` is signed (``+5.00``, ``-0.0123``)."""

    object: Literal["billing.history_entry"] = "billing.history_entry"
    id: str
    created_at: int
    date: str = Field(description="ISO 8601, UTC.")
    kind: str
    description: str
    amount_micro: int
    amount: str
    status: str
    counted: bool = Field(description="Whether the line moved money (failed charges did not).")
    model: str | None

    @classmethod
    def of(cls, line: HistoryLine) -> HistoryEntry:
        """The wire shape of a history line."""
        sign = "+" if line.amount_micro > 0 else ""
        return cls(
            id=line.id,
            created_at=int(line.created_at.timestamp()),
            date=line.created_at.astimezone(UTC).isoformat(),
            kind=line.kind.value,
            description=line.description,
            amount_micro=line.amount_micro,
            amount=f"{sign}{_usd(line.amount_micro)}",
            status=line.status.value,
            counted=line.counted,
            model=line.model,
        )


class HistoryPageObject(BaseModel):
    """A page of history, newest first (pending usage on the first page)."""

    object: Literal["list"] = "list"
    data: list[HistoryEntry]
    has_more: bool
    next_cursor: str | None


class HistoryParams(_In):
    """History filters; unknown query parameters are refused."""

    kind: list[LedgerKind] = Field(default_factory=list, max_length=5)
    start_time: int | None = Field(default=None, ge=0, le=MAX_UNIX)
    end_time: int | None = Field(default=None, ge=0, le=MAX_UNIX)
    after: str | None = Field(default=None, max_length=200)
    limit: int = Field(default=50, ge=1, le=200)
    format: Literal["json", "csv"] = "json"

    def to_filter(self) -> HistoryFilter:
        """The platform filter."""
        return HistoryFilter(
            kinds=frozenset(self.kind),
            start=datetime.fromtimestamp(self.start_time, UTC)
            if self.start_time is not None
            else None,
            end=datetime.fromtimestamp(self.end_time, UTC) if self.end_time is not None else None,
        )


class PriceObject(BaseModel):
    """A model's price per million tokens from ``effective_from``."""

    object: Literal["billing.price"] = "billing.price"
    model: str
    input_micro_usd_per_million: int
    output_micro_usd_per_million: int
    effective_from: int
    created_at: int

    @classmethod
    def of(cls, info: PriceInfo) -> PriceObject:
        """The wire shape of a price row."""
        return cls(
            model=info.model,
            input_micro_usd_per_million=info.price.input_micro_usd_per_million,
            output_micro_usd_per_million=info.price.output_micro_usd_per_million,
            effective_from=int(info.effective_from.timestamp()),
            created_at=int(info.created_at.timestamp()),
        )


class PriceList(BaseModel):
    """Every price row, by model then effective date."""

    object: Literal["list"] = "list"
    data: list[PriceObject]


class PriceIn(_In):
    """A new price for a model, taking effect at ``effective_from`` (now when omitted)."""

    model: str = Field(min_length=1, max_length=128)
    input_micro_usd_per_million: StrictInt
    output_micro_usd_per_million: StrictInt
    effective_from: int | None = Field(default=None, ge=0, le=MAX_UNIX)


@billing_router.get(
    "/balance",
    operation_id="getBillingBalance",
    summary="Credit balance",
    response_model=BalanceObject,
    responses=_ERRORS,
)
async def balance(ctx: OrgAccess, gateway: GatewayDep, billing: BillingDep) -> BalanceObject:
    """The available credit (ledger minus unsettled usage), the presets and the limits."""
    require_permission(ctx, Permission.BILLING_READ)
    found = await in_session(gateway, lambda s: balance_of(s, ctx.organization_id))
    config = billing.config
    return BalanceObject(
        balance_micro=found.available_micro,
        balance_usd=_usd(found.available_micro),
        ledger_micro=found.ledger_micro,
        unsettled_usage_micro=found.unsettled_usage_micro,
        credit_presets_usd=[_usd(p) for p in config.credit_presets_micro],
        min_credit_usd=_usd(config.min_credit_micro),
        max_credit_usd=_usd(config.max_credit_micro),
    )


@billing_router.post(
    "/credit",
    operation_id="addBillingCredit",
    summary="Add credit",
    response_model=CreditObject,
    responses=_WRITE_ERRORS,
)
async def add_credit(
    body: CreditIn,
    ctx: OrgAccess,
    gateway: GatewayDep,
    billing: BillingDep,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> CreditObject:
    """Charge a payment method and add the amount to the balance, exactly once per key."""
    require_permission(ctx, Permission.BILLING_MANAGE)
    config = billing.config
    if (body.amount_usd is None) == (body.amount_cents is None):
        raise InvalidArgument("give exactly one of amount_usd and amount_cents", param="amount_usd")
    limits = {"minimum_micro": config.min_credit_micro, "maximum_micro": config.max_credit_micro}
    if body.amount_usd is not None:
        amount = parse_usd(body.amount_usd, param="amount_usd", **limits)
    else:
        assert body.amount_cents is not None
        amount = cents_to_micro(body.amount_cents, param="amount_cents", **limits)
    receipt = await asyncio.to_thread(
        billing.add_credit,
        gateway.database,
        ctx.organization_id,
        amount_micro=amount,
        idempotency_key=idempotency_key,
        payment_method_id=body.payment_method_id,
        card=body.card.details() if body.card else None,
    )
    return CreditObject.of(receipt)


@billing_router.get(
    "/payment_methods",
    operation_id="listPaymentMethods",
    summary="List payment methods",
    response_model=PaymentMethodList,
    responses=_ERRORS,
)
async def list_methods(ctx: OrgAccess, gateway: GatewayDep) -> PaymentMethodList:
    """The saved cards, the default first."""
    require_permission(ctx, Permission.BILLING_READ)
    methods = await in_session(gateway, lambda s: list_payment_methods(s, ctx.organization_id))
    return PaymentMethodList(data=[PaymentMethodObject.of(m) for m in methods])


@billing_router.post(
    "/payment_methods",
    operation_id="addPaymentMethod",
    status_code=201,
    summary="Add a payment method",
    response_model=PaymentMethodObject,
    responses=_ERRORS,
)
async def add_method(
    body: PaymentMethodIn, ctx: OrgAccess, gateway: GatewayDep, billing: BillingDep
) -> PaymentMethodObject:
    """Validate and save a card (only brand, last four, expiry and country are kept)."""
    require_permission(ctx, Permission.BILLING_MANAGE)
    method = await asyncio.to_thread(
        billing.add_payment_method,
        gateway.database,
        ctx.organization_id,
        body.card.details(),
        make_default=body.make_default,
    )
    return PaymentMethodObject.of(method)


@billing_router.post(
    "/payment_methods/{payment_method_id}/default",
    operation_id="setDefaultPaymentMethod",
    summary="Make a method the default",
    response_model=PaymentMethodObject,
    responses=_ERRORS,
)
async def set_default(
    payment_method_id: uuid.UUID, ctx: OrgAccess, gateway: GatewayDep
) -> PaymentMethodObject:
    """Make this method the one used when none is named (and by auto recharge by default)."""
    require_permission(ctx, Permission.BILLING_MANAGE)
    method = await in_session(
        gateway, lambda s: set_default_payment_method(s, ctx.organization_id, payment_method_id)
    )
    return PaymentMethodObject.of(method)


@billing_router.delete(
    "/payment_methods/{payment_method_id}",
    status_code=204,
    operation_id="removePaymentMethod",
    summary="Remove a payment method",
    responses=_ERRORS,
)
async def remove_method(
    payment_method_id: uuid.UUID, ctx: OrgAccess, gateway: GatewayDep
) -> Response:
    """Remove a saved card; the most recent remaining one becomes the default."""
    require_permission(ctx, Permission.BILLING_MANAGE)
    await in_session(
        gateway,
        lambda s: remove_payment_method(s, ctx.organization_id, payment_method_id, now=utc_now()),
    )
    return Response(status_code=204)


@billing_router.get(
    "/auto_recharge",
    operation_id="getAutoRecharge",
    summary="Auto recharge",
    response_model=AutoRechargeObject,
    responses=_ERRORS,
)
async def get_recharge(ctx: OrgAccess, gateway: GatewayDep) -> AutoRechargeObject:
    """Settings, state, and the last failure (with why it turned itself off, if it did)."""
    require_permission(ctx, Permission.BILLING_READ)
    found = await in_session(gateway, lambda s: get_auto_recharge(s, ctx.organization_id))
    return AutoRechargeObject.of(found)


@billing_router.put(
    "/auto_recharge",
    operation_id="setAutoRecharge",
    summary="Configure auto recharge",
    response_model=AutoRechargeObject,
    responses=_WRITE_ERRORS,
)
async def put_recharge(
    body: AutoRechargeIn, ctx: OrgAccess, gateway: GatewayDep, billing: BillingDep
) -> AutoRechargeObject:
    """Turn auto recharge on or off and set its threshold, amount and payment method."""
    require_permission(ctx, Permission.BILLING_MANAGE)
    config = billing.config
    threshold = parse_usd(
        body.threshold_usd,
        param="threshold_usd",
        minimum_micro=0,
        maximum_micro=config.max_credit_micro,
    )
    amount = parse_usd(
        body.amount_usd,
        param="amount_usd",
        minimum_micro=config.min_credit_micro,
        maximum_micro=config.max_credit_micro,
    )

    def write(session: Session) -> AutoRechargeSettings:
        return billing.configure_auto_recharge(
            session,
            ctx.organization_id,
            enabled=body.enabled,
            threshold_micro=threshold,
            amount_micro=amount,
            payment_method_id=body.payment_method_id,
        )

    settings = await in_session(gateway, write)
    if settings.enabled:
        await asyncio.to_thread(billing.run_auto_recharge, gateway.database, ctx.organization_id)
        settings = await in_session(gateway, lambda s: get_auto_recharge(s, ctx.organization_id))
    return AutoRechargeObject.of(settings)


@billing_router.get(
    "/history",
    operation_id="getBillingHistory",
    summary="Billing history (JSON pages or CSV)",
    response_model=HistoryPageObject,
    responses={200: {"content": {"text/csv": {}}}, **_ERRORS},
)
async def history(
    ctx: OrgAccess, gateway: GatewayDep, params: Annotated[HistoryParams, Query()]
) -> HistoryPageObject | Response:
    """Credits, auto recharges, usage per day and model, refunds, adjustments and failed
    charges, newest first; ``format=csv`` exports every matching line."""
    require_permission(ctx, Permission.BILLING_READ)
    filters = params.to_filter()
    if params.format == "csv":
        text = await in_session(
            gateway, lambda s: "".join(history_csv(s, ctx.organization_id, filters=filters))
        )
        return Response(
            text,
            media_type="text/csv",
            headers={"content-disposition": 'attachment; filename="billing-history.csv"'},
        )
    page = await in_session(
        gateway,
        lambda s: billing_history(
            s, ctx.organization_id, filters=filters, cursor=params.after, limit=params.limit
        ),
    )
    return HistoryPageObject(
        data=[HistoryEntry.of(line) for line in page.lines],
        has_more=page.next_cursor is not None,
        next_cursor=page.next_cursor,
    )


@billing_router.get(
    "/prices",
    operation_id="listPrices",
    summary="Model prices",
    response_model=PriceList,
    responses=_ERRORS,
)
async def prices(
    ctx: OrgAccess, gateway: GatewayDep, model: Annotated[str | None, Query(max_length=128)] = None
) -> PriceList:
    """Every price row: per model, per million input and output tokens, with effective dates."""
    require_permission(ctx, Permission.BILLING_READ)
    found = await in_session(gateway, lambda s: list_prices(s, model))
    return PriceList(data=[PriceObject.of(p) for p in found])


@billing_router.post(
    "/prices",
    operation_id="setPrice",
    status_code=201,
    summary="Change a model's price (operators)",
    response_model=PriceObject,
    responses=_WRITE_ERRORS,
)
async def add_price(
    body: PriceIn, ctx: OrgAccess, gateway: GatewayDep, billing: BillingDep
) -> PriceObject:
    """Add a price taking effect at ``effective_from`` (not in the past). Only members with
    ``billing.manage`` in an operator organization (``BillingConfig.price_admin_organizations``)
    may; everyone else gets 403."""
    require_permission(ctx, Permission.BILLING_MANAGE)
    if ctx.organization_id not in billing.config.price_admin_organizations:
        raise Forbidden(
            "Model prices are set by the operator of this installation.", code="operator_only"
        )
    now = utc_now()
    start = datetime.fromtimestamp(body.effective_from, UTC) if body.effective_from else now
    price = Price(body.input_micro_usd_per_million, body.output_micro_usd_per_million)
    info = await in_session(gateway, lambda s: set_price(s, body.model, price, start, now=now))
    return PriceObject.of(info)

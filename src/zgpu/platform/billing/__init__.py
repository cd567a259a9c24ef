"""Billing: prepaid credit in integer micro-dollars, paid down by usage at per-model prices.

See docs/billing.md. The request path calls ``check_credit`` (admit) and
``record_usage_costs`` or a ``UsagePricer`` (in the request log writer's transaction; on
PostgreSQL the writer's single statement prices the batch itself); ``Billing`` runs card
payments and auto recharge; ``settle_usage`` folds usage into the ledger per day and model.
"""

from zgpu.platform.billing.auto_recharge import (
    RechargeAction,
    RechargeOutcome,
    configure_auto_recharge,
    get_auto_recharge,
    run_auto_recharge,
    sweep_auto_recharges,
)
from zgpu.platform.billing.errors import (
    IDEMPOTENCY_HEADER,
    IdempotencyConflict,
    PaymentDeclined,
)
from zgpu.platform.billing.history import (
    HistoryFilter,
    billing_history,
    history_csv,
)
from zgpu.platform.billing.ledger import (
    adjust_balance,
    balance_of,
    check_credit,
    grant_welcome_credit,
)
from zgpu.platform.billing.models import (
    AutoRechargeState,
    Charge,
    LedgerEntry,
    ModelPrice,
    PaymentMethod,
    UsageCharge,
)
from zgpu.platform.billing.money import (
    MICRO_PER_CENT,
    MICRO_PER_USD,
    cents_to_micro,
    format_usd,
    parse_usd,
    usd,
)
from zgpu.platform.billing.payment_methods import (
    get_payment_method,
    list_payment_methods,
    remove_payment_method,
    set_default_payment_method,
)
from zgpu.platform.billing.prices import (
    DEFAULT_PRICE,
    Price,
    PriceInfo,
    current_prices,
    list_prices,
    max_request_cost_micro,
    overdraft_bound_micro,
    price_at,
    request_cost_micro,
    set_price,
)
from zgpu.platform.billing.providers.base import (
    CardToken,
    ChargeResult,
    PaymentProvider,
)
from zgpu.platform.billing.providers.test_provider import (
    TestCardProvider,
)
from zgpu.platform.billing.schemas import (
    AutoRechargeSettings,
    Balance,
    BillingConfig,
    CardDetails,
    CreditReceipt,
    EntryStatus,
    HistoryLine,
    HistoryPage,
    LedgerKind,
    PaymentMethodInfo,
)
from zgpu.platform.billing.service import (
    Billing,
)
from zgpu.platform.billing.usage_costs import (
    BillableRequest,
    UsagePricer,
    record_usage_costs,
    usage_cost_rows,
)
from zgpu.platform.billing.usage_settlement import (
    settle_usage,
)

__all__ = [
    "DEFAULT_PRICE",
    "IDEMPOTENCY_HEADER",
    "MICRO_PER_CENT",
    "MICRO_PER_USD",
    "AutoRechargeSettings",
    "AutoRechargeState",
    "Balance",
    "BillableRequest",
    "Billing",
    "BillingConfig",
    "CardDetails",
    "CardToken",
    "Charge",
    "ChargeResult",
    "CreditReceipt",
    "EntryStatus",
    "HistoryFilter",
    "HistoryLine",
    "HistoryPage",
    "IdempotencyConflict",
    "LedgerEntry",
    "LedgerKind",
    "ModelPrice",
    "PaymentDeclined",
    "PaymentMethod",
    "PaymentMethodInfo",
    "PaymentProvider",
    "Price",
    "PriceInfo",
    "RechargeAction",
    "RechargeOutcome",
    "TestCardProvider",
    "UsageCharge",
    "UsagePricer",
    "adjust_balance",
    "balance_of",
    "billing_history",
    "cents_to_micro",
    "check_credit",
    "configure_auto_recharge",
    "current_prices",
    "format_usd",
    "get_auto_recharge",
    "get_payment_method",
    "grant_welcome_credit",
    "history_csv",
    "list_payment_methods",
    "list_prices",
    "max_request_cost_micro",
    "overdraft_bound_micro",
    "parse_usd",
    "price_at",
    "record_usage_costs",
    "remove_payment_method",
    "request_cost_micro",
    "run_auto_recharge",
    "set_default_payment_method",
    "set_price",
    "settle_usage",
    "sweep_auto_recharges",
    "usage_cost_rows",
    "usd",
]

"""PostgreSQL text that bills a relation of requests inside a larger statement.

The request log writer sends a batch to PostgreSQL as one statement: the rows as arrays, a
data-modifying CTE inserting them as log rows, another adding them to the usage rollups, and
the ``charges`` CTE built here inserting their usage charges. Pricing happens in that statement,
from the tables as they are when it runs: each billable request's owner is read from
``projects`` and its price from the ``billing_prices`` row in effect at its ``created_at`` (the
unique ``(model, effective_from)`` index finds it). No price is cached, so none can be stale,
and a batch stays one round trip and one atomic commit.

The cost is ``zgpu.platform.billing.prices.request_cost_micro`` in exact ``numeric``
arithmetic: ``(input × input price + output × output price + 999,999) div 1,000,000``, the
ceiling of the exact quotient for non-negative counts (log entries refuse negative ones).
"""

from __future__ import annotations

import functools
from typing import Final

from zgpu.platform.billing.prices import TOKENS_PER_PRICE_UNIT, Price
from zgpu.platform.billing.usage_costs import BILLABLE_BELOW_STATUS

DEFAULT_INPUT_PARAM: Final = "billing_default_input"
DEFAULT_OUTPUT_PARAM: Final = "billing_default_output"


def default_price_params(default: Price) -> dict[str, int]:
    """The parameters of ``charges_cte_sql``: the price of models without a price row."""
    return {
        DEFAULT_INPUT_PARAM: default.input_micro_usd_per_million,
        DEFAULT_OUTPUT_PARAM: default.output_micro_usd_per_million,
    }


@functools.cache
def charges_cte_sql(source: str) -> str:
    """``charges AS (INSERT INTO usage_charges ... RETURNING organization_id, cost_micro)``.

    ``source`` (a CTE or table name) must have the ``request_logs`` columns ``request_id``,
    ``project_id``, ``model``, ``status``, ``input_tokens``, ``output_tokens`` and
    ``created_at``. Requests with a status of 400 or more are left out. Parameters:
    ``default_price_params``. A request id already billed violates the unique index, and a
    project that does not exist leaves ``organization_id`` NULL: both fail the statement with
    an integrity error.
    """
    unit = TOKENS_PER_PRICE_UNIT
    input_price = f"coalesce(p.input_micro_usd_per_million, %({DEFAULT_INPUT_PARAM})s)"
    output_price = f"coalesce(p.output_micro_usd_per_million, %({DEFAULT_OUTPUT_PARAM})s)"
    cost = (
        f"div(r.input_tokens::numeric * {input_price} "
        f"+ r.output_tokens::numeric * {output_price} + {unit - 1}, {unit})::bigint"
    )
    # The owner is a scalar subquery and the price a LATERAL ... LIMIT 1: neither can be
    # flattened into a join, so each is an index probe per billed request whatever plan the
    # prepared statement settles on.
    return (
        "charges AS (INSERT INTO usage_charges (request_id, organization_id, project_id, "
        "model, input_tokens, output_tokens, cost_micro, created_at) "
        "SELECT r.request_id, "
        "(SELECT o.organization_id FROM projects AS o WHERE o.id = r.project_id), "
        f"r.project_id, r.model, r.input_tokens, r.output_tokens, {cost}, r.created_at "
        f"FROM {source} AS r LEFT JOIN LATERAL ("
        "SELECT input_micro_usd_per_million, output_micro_usd_per_million "
        "FROM billing_prices WHERE model = r.model AND effective_from <= r.created_at "
        "ORDER BY effective_from DESC LIMIT 1) AS p ON true "
        f"WHERE r.status < {BILLABLE_BELOW_STATUS} "
        "RETURNING organization_id, cost_micro)"
    )


CHARGE_TOTALS_SQL: Final = (
    "SELECT organization_id, sum(cost_micro)::bigint FROM charges GROUP BY organization_id"
)
"""The outer query after ``charges_cte_sql``: the cost billed per organization."""

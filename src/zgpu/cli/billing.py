"""``zgpu billing balance|add-credit|methods|auto-recharge|history|prices``, in local mode.

The commands open the database in ``--data-dir`` directly, as the operator of the
installation, and use the built-in test card processor. ``--org`` picks the organization
(the oldest one when omitted). ``--json`` prints machine-readable output; amounts are integer
micro-dollars beside exact decimal strings.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session

from zgpu.cli.options import DataDir, JsonOutput, settings_from
from zgpu.platform.accounts import list_organizations
from zgpu.platform.billing import (
    Billing,
    CardDetails,
    HistoryFilter,
    LedgerKind,
    Price,
    balance_of,
    billing_history,
    format_usd,
    get_auto_recharge,
    history_csv,
    list_payment_methods,
    list_prices,
    parse_usd,
    remove_payment_method,
    set_default_payment_method,
    set_price,
)
from zgpu.platform.db import Database, upgrade_to_head, utc_now
from zgpu.platform.errors import PlatformError

app = typer.Typer(
    help="Credit balance, payment methods, auto recharge, history.", no_args_is_help=True
)
methods_app = typer.Typer(help="List, add, set default and remove payment methods.")
app.add_typer(methods_app, name="methods")
console = Console()
T = TypeVar("T")

OrgOption = Annotated[
    str | None, typer.Option("--org", help="Organization id; the oldest organization when omitted.")
]


@contextmanager
def _database(data_dir: Path | None) -> Iterator[Database]:
    settings = settings_from(data_dir=data_dir)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade_to_head(settings.resolved_database_url)
    database = Database(settings.resolved_database_url)
    try:
        yield database
    finally:
        database.dispose()


def _org(session: Session, given: str | None) -> uuid.UUID:
    if given is not None:
        try:
            return uuid.UUID(given)
        except ValueError:
            raise typer.BadParameter(
                f"not an organization id: {given!r}", param_hint="--org"
            ) from None
    organizations = list_organizations(session)
    if not organizations:
        raise typer.BadParameter("no organization exists yet; run `zgpu serve` once")
    return organizations[0].id


def _run(data_dir: Path | None, org: str | None, work: Callable[[Database, uuid.UUID], T]) -> T:
    """Run ``work`` with the database and organization; platform errors exit with code 1."""
    try:
        with _database(data_dir) as database:
            with database.session() as session:
                organization_id = _org(session, org)
            return work(database, organization_id)
    except PlatformError as exc:
        where = f" ({exc.param})" if exc.param else ""
        typer.secho(f"{exc.message}{where}", fg="red", err=True)
        raise typer.Exit(1) from None


def _print(value: Any) -> None:
    print(json.dumps(value, default=str))


@app.command("balance")
def balance(
    org: OrgOption = None, data_dir: DataDir = None, json_output: JsonOutput = False
) -> None:
    """Show the credit balance (ledger minus usage not yet settled)."""

    def read(database: Database, organization_id: uuid.UUID) -> dict[str, Any]:
        with database.session() as session:
            found = balance_of(session, organization_id)
        return {
            "organization_id": str(organization_id),
            "balance_micro": found.available_micro,
            "balance": format_usd(found.available_micro),
            "ledger_micro": found.ledger_micro,
            "unsettled_usage_micro": found.unsettled_usage_micro,
        }

    result = _run(data_dir, org, read)
    if json_output:
        _print(result)
        return
    console.print(f"Credit balance: [bold]{result['balance']}[/]")
    if result["unsettled_usage_micro"]:
        pending = format_usd(result["unsettled_usage_micro"])
        console.print(f"(includes {pending} of usage not yet settled)")


@app.command("add-credit")
def add_credit(
    amount: Annotated[
        str, typer.Argument(help="USD, e.g. 25 or 12.50 (presets: 10, 25, 50, 100).")
    ],
    method: Annotated[
        str | None, typer.Option("--method", help="A saved payment method id.")
    ] = None,
    card: Annotated[str | None, typer.Option("--card", help="A new card number.")] = None,
    exp: Annotated[str | None, typer.Option("--exp", help="The new card's expiry, MM/YY.")] = None,
    cvc: Annotated[str | None, typer.Option("--cvc", help="The new card's security code.")] = None,
    country: Annotated[str, typer.Option("--country", help="Billing country (ISO code).")] = "US",
    idempotency_key: Annotated[
        str | None, typer.Option("--idempotency-key", help="Reuse to retry a purchase safely.")
    ] = None,
    org: OrgOption = None,
    data_dir: DataDir = None,
    json_output: JsonOutput = False,
) -> None:
    """Add credit with a saved payment method (the default one) or a new card."""
    billing = Billing()
    key = idempotency_key or f"cli-{uuid.uuid4()}"
    details = CardDetails(card, exp or "", cvc or "", country) if card else None
    method_id = _uuid(method, "--method") if method else None

    def buy(database: Database, organization_id: uuid.UUID) -> dict[str, Any]:
        micro = parse_usd(
            amount,
            param="amount",
            minimum_micro=billing.config.min_credit_micro,
            maximum_micro=billing.config.max_credit_micro,
        )
        receipt = billing.add_credit(
            database,
            organization_id,
            amount_micro=micro,
            idempotency_key=key,
            payment_method_id=method_id,
            card=details,
        )
        with database.session() as session:
            after = balance_of(session, organization_id).available_micro
        return {
            "charge_id": str(receipt.charge_id),
            "amount_micro": receipt.amount_micro,
            "status": receipt.status,
            "replayed": receipt.replayed,
            "idempotency_key": key,
            "balance_micro": after,
        }

    result = _run(data_dir, org, buy)
    if json_output:
        _print(result)
        return
    console.print(
        f"Added [bold]{format_usd(result['amount_micro'])}[/]"
        f"{' (replayed: nothing charged again)' if result['replayed'] else ''}. "
        f"Balance: {format_usd(result['balance_micro'])}."
    )


@methods_app.command("list")
def methods_list(
    org: OrgOption = None, data_dir: DataDir = None, json_output: JsonOutput = False
) -> None:
    """List saved payment methods (the default first)."""

    def read(database: Database, organization_id: uuid.UUID) -> list[dict[str, Any]]:
        with database.session() as session:
            return [
                {
                    "id": str(m.id),
                    "brand": m.brand,
                    "last4": m.last4,
                    "exp": f"{m.exp_month:02d}/{m.exp_year % 100:02d}",
                    "country": m.country,
                    "default": m.is_default,
                }
                for m in list_payment_methods(session, organization_id)
            ]

    rows = _run(data_dir, org, read)
    if json_output:
        _print(rows)
        return
    table = Table(title="Payment methods")
    for column in ("id", "card", "expires", "country", "default"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            row["id"],
            f"{row['brand']} ····{row['last4']}",
            row["exp"],
            row["country"],
            "yes" if row["default"] else "",
        )
    console.print(table)


@methods_app.command("add")
def methods_add(
    card: Annotated[str, typer.Option("--card", help="Card number.")],
    exp: Annotated[str, typer.Option("--exp", help="Expiry, MM/YY.")],
    cvc: Annotated[str, typer.Option("--cvc", help="Security code.")],
    country: Annotated[str, typer.Option("--country", help="Billing country (ISO code).")] = "US",
    default: Annotated[bool, typer.Option("--default", help="Make it the default.")] = False,
    org: OrgOption = None,
    data_dir: DataDir = None,
) -> None:
    """Validate and save a card (only brand, last four, expiry and country are kept)."""
    saved = _run(
        data_dir,
        org,
        lambda database, organization_id: Billing().add_payment_method(
            database, organization_id, CardDetails(card, exp, cvc, country), make_default=default
        ),
    )
    console.print(f"Saved {saved.brand} ····{saved.last4} as {saved.id}.")


@methods_app.command("default")
def methods_default(
    method_id: Annotated[str, typer.Argument(help="The payment method id.")],
    org: OrgOption = None,
    data_dir: DataDir = None,
) -> None:
    """Make a payment method the default."""
    parsed = _uuid(method_id, "METHOD_ID")

    def write(database: Database, organization_id: uuid.UUID) -> None:
        with database.session() as session:
            set_default_payment_method(session, organization_id, parsed)

    _run(data_dir, org, write)
    console.print(f"{parsed} is now the default payment method.")


@methods_app.command("remove")
def methods_remove(
    method_id: Annotated[str, typer.Argument(help="The payment method id.")],
    org: OrgOption = None,
    data_dir: DataDir = None,
) -> None:
    """Remove a payment method."""
    parsed = _uuid(method_id, "METHOD_ID")

    def write(database: Database, organization_id: uuid.UUID) -> None:
        with database.session() as session:
            remove_payment_method(session, organization_id, parsed, now=utc_now())

    _run(data_dir, org, write)
    console.print(f"Removed payment method {parsed}.")


@app.command("auto-recharge")
def auto_recharge(
    on: Annotated[
        bool | None, typer.Option("--on/--off", help="Turn auto recharge on or off.")
    ] = None,
    threshold: Annotated[
        str | None, typer.Option(help="Recharge below this balance (USD).")
    ] = None,
    amount: Annotated[str | None, typer.Option(help="How much to add each time (USD).")] = None,
    method: Annotated[str | None, typer.Option("--method", help="Payment method id.")] = None,
    org: OrgOption = None,
    data_dir: DataDir = None,
    json_output: JsonOutput = False,
) -> None:
    """Show auto recharge, or change it with --on/--off, --threshold, --amount, --method."""
    billing = Billing()
    method_id = _uuid(method, "--method") if method else None

    def act(database: Database, organization_id: uuid.UUID) -> dict[str, Any]:
        with database.session() as session:
            current = get_auto_recharge(session, organization_id)
            if on is not None or threshold or amount or method_id:
                limits = billing.config
                current = billing.configure_auto_recharge(
                    session,
                    organization_id,
                    enabled=current.enabled if on is None else on,
                    threshold_micro=parse_usd(
                        threshold,
                        param="threshold",
                        minimum_micro=0,
                        maximum_micro=limits.max_credit_micro,
                    )
                    if threshold
                    else current.threshold_micro,
                    amount_micro=parse_usd(
                        amount,
                        param="amount",
                        minimum_micro=limits.min_credit_micro,
                        maximum_micro=limits.max_credit_micro,
                    )
                    if amount
                    else current.amount_micro,
                    payment_method_id=method_id or current.payment_method_id,
                )
        return {
            "enabled": current.enabled,
            "threshold_micro": current.threshold_micro,
            "amount_micro": current.amount_micro,
            "state": current.state,
            "failures": current.failures,
            "disabled_reason": current.disabled_reason,
            "last_failure": current.last_failure_message,
        }

    result = _run(data_dir, org, act)
    if json_output:
        _print(result)
        return
    status = "[green]on[/]" if result["enabled"] else "[yellow]off[/]"
    console.print(
        f"Auto recharge is {status}: add {format_usd(result['amount_micro'])} when the "
        f"balance falls below {format_usd(result['threshold_micro'])}."
    )
    if result["disabled_reason"]:
        console.print(f"[red]Turned off: {result['disabled_reason']}[/]")


@app.command("history")
def history(
    kind: Annotated[
        list[LedgerKind] | None, typer.Option("--kind", help="Only these kinds.")
    ] = None,
    since: Annotated[
        datetime | None, typer.Option(help="From this time (UTC unless given).")
    ] = None,
    until: Annotated[datetime | None, typer.Option(help="Before this time.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=200)] = 50,
    csv_output: Annotated[
        bool, typer.Option("--csv", help="Print every matching line as CSV.")
    ] = False,
    org: OrgOption = None,
    data_dir: DataDir = None,
    json_output: JsonOutput = False,
) -> None:
    """Billing history, newest first: date, description, amount with sign, status."""
    filters = HistoryFilter(frozenset(kind or ()), _aware(since), _aware(until))

    def read(database: Database, organization_id: uuid.UUID) -> Any:
        with database.session() as session:
            if csv_output:
                return "".join(history_csv(session, organization_id, filters=filters))
            return billing_history(session, organization_id, filters=filters, limit=limit).lines

    found = _run(data_dir, org, read)
    if csv_output:
        print(found, end="")
        return
    if json_output:
        _print(
            [
                {
                    "date": line.created_at.isoformat(),
                    "description": line.description,
                    "amount_micro": line.amount_micro,
                    "status": line.status.value,
                }
                for line in found
            ]
        )
        return
    table = Table(title="Billing history")
    for column in ("date", "description", "amount", "status"):
        table.add_column(column)
    for line in found:
        table.add_row(
            line.created_at.astimezone().strftime("%Y-%m-%d %H:%M:%S"),
            line.description,
            format_usd(line.amount_micro, signed=True),
            line.status.value,
        )
    console.print(table)


@app.command("prices")
def prices(
    set_model: Annotated[
        str | None, typer.Option("--set", help="Change this model's price.")
    ] = None,
    input_price: Annotated[
        int | None, typer.Option("--input", help="Micro-USD per 1M input tokens.")
    ] = None,
    output_price: Annotated[
        int | None, typer.Option("--output", help="Micro-USD per 1M output tokens.")
    ] = None,
    effective: Annotated[datetime | None, typer.Option(help="When it takes effect (now).")] = None,
    data_dir: DataDir = None,
    json_output: JsonOutput = False,
) -> None:
    """List model prices, or (operator) add a price with --set MODEL --input N --output N."""
    if set_model and (input_price is None or output_price is None):
        raise typer.BadParameter("--set needs --input and --output", param_hint="--set")

    def act(database: Database, _organization_id: uuid.UUID) -> list[dict[str, Any]]:
        with database.session() as session:
            if set_model and input_price is not None and output_price is not None:
                now = utc_now()
                set_price(
                    session,
                    set_model,
                    Price(input_price, output_price),
                    _aware(effective) or now,
                    now=now,
                )
            return [
                {
                    "model": p.model,
                    "input_micro_usd_per_million": p.price.input_micro_usd_per_million,
                    "output_micro_usd_per_million": p.price.output_micro_usd_per_million,
                    "effective_from": p.effective_from.isoformat(),
                }
                for p in list_prices(session)
            ]

    rows = _run(data_dir, None, act)
    if json_output:
        _print(rows)
        return
    table = Table(title="Prices per million tokens")
    for column in ("model", "input", "output", "effective from"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            row["model"],
            format_usd(row["input_micro_usd_per_million"]),
            format_usd(row["output_micro_usd_per_million"]),
            row["effective_from"][:19],
        )
    console.print(table)


def _uuid(value: str, hint: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise typer.BadParameter(f"not an id: {value!r}", param_hint=hint) from None


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.utcoffset() is not None else value.replace(tzinfo=UTC)

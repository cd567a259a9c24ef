"""Money as integers: micro-dollars (1 USD = 1,000,000) from parsing to display.

No float ever holds an amount. USD strings are parsed with ``Decimal`` and must be whole cents;
amounts are formatted back exactly (sub-cent usage shows as many digits as it needs).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Final

from zgpu.platform.errors import InvalidArgument

MICRO_PER_USD: Final = 1_000_000
"""Micro-dollars in one US dollar."""
MICRO_PER_CENT: Final = 10_000
"""Micro-dollars in one cent: the smallest amount a card can be charged."""
MAX_USD_DIGITS: Final = 15
"""Digits accepted in a USD string (a guard against huge inputs before any arithmetic)."""


def usd(dollars: int) -> int:
    """Whole dollars as micro-dollars: ``usd(5) == 5_000_000``."""
    return dollars * MICRO_PER_USD


def parse_usd(
    value: str | int,
    *,
    param: str,
    maximum_micro: int,
    minimum_micro: int = MICRO_PER_CENT,
) -> int:
    """A USD amount (``"12.34"``, ``"10"`` or an ``int`` of whole dollars) as micro-dollars.

    Raises ``InvalidArgument`` naming ``param`` when the value is not a plain decimal number,
    is negative, has a fraction of a cent, is below ``minimum_micro`` or above
    ``maximum_micro``. ``bool`` is refused (it is an ``int`` to Python, never an amount).
    """
    if isinstance(value, bool):
        raise InvalidArgument(f"{param} must be a USD amount, not a boolean", param=param)
    if isinstance(value, int):
        amount = Decimal(value)
    else:
        text = value.strip()
        if not text or len(text) > MAX_USD_DIGITS + 2 or not _plain_decimal(text):
            raise InvalidArgument(
                f'{param} must be a USD amount such as "25" or "12.50"', param=param
            )
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise InvalidArgument(f"{param} is not a number", param=param) from None
    if amount < 0:
        raise InvalidArgument(f"{param} must not be negative", param=param)
    micro = amount * MICRO_PER_USD
    if micro % MICRO_PER_CENT != 0:
        raise InvalidArgument(f"{param} must be a whole number of cents", param=param)
    return check_amount(
        int(micro), param=param, minimum_micro=minimum_micro, maximum_micro=maximum_micro
    )


def cents_to_micro(
    cents: int, *, param: str, maximum_micro: int, minimum_micro: int = MICRO_PER_CENT
) -> int:
    """An amount in integer cents as micro-dollars, with the same checks as ``parse_usd``."""
    if isinstance(cents, bool) or not isinstance(cents, int):
        raise InvalidArgument(f"{param} must be an integer number of cents", param=param)
    if cents < 0:
        raise InvalidArgument(f"{param} must not be negative", param=param)
    return check_amount(
        cents * MICRO_PER_CENT,
        param=param,
        minimum_micro=minimum_micro,
        maximum_micro=maximum_micro,
    )


def check_amount(micro: int, *, param: str, minimum_micro: int, maximum_micro: int) -> int:
    """Return ``micro`` if it lies in ``[minimum_micro, maximum_micro]`` and is whole cents;
    raise ``InvalidArgument`` naming ``param`` (and the bound, in dollars) otherwise."""
    if micro % MICRO_PER_CENT != 0:
        raise InvalidArgument(f"{param} must be a whole number of cents", param=param)
    if micro < minimum_micro:
        raise InvalidArgument(
            f"{param} must be at least {format_usd(minimum_micro)}",
            param=param,
            code="amount_too_small",
        )
    if micro > maximum_micro:
        raise InvalidArgument(
            f"{param} must be at most {format_usd(maximum_micro)}",
            param=param,
            code="amount_too_large",
        )
    return micro


def format_usd(micro: int, *, signed: bool = False) -> str:
    """``micro`` as dollars, exactly: ``$5.00``, ``$0.000123``; with ``signed``, ``+$5.00`` and
    ``-$0.50`` (zero is ``$0.00``). At least two decimals, more only when they are not zero."""
    sign = "-" if micro < 0 else ("+" if signed and micro > 0 else "")
    return f"{sign}${usd_decimal_text(abs(micro))}"


def usd_decimal_text(micro: int) -> str:
    """``micro`` as a plain decimal string of dollars (``"-0.000123"``, ``"5.00"``): no ``$``."""
    sign = "-" if micro < 0 else ""
    whole, fraction = divmod(abs(micro), MICRO_PER_USD)
    digits = f"{fraction:06d}".rstrip("0").ljust(2, "0")
    return f"{sign}{whole}.{digits}"


def _plain_decimal(text: str) -> bool:
    """Digits with at most one dot (and an optional leading minus, refused later as negative)."""
    body = text[1:] if text.startswith("-") else text
    whole, _, fraction = body.partition(".")
    return (
        (whole + fraction).isdigit()
        and (whole.isdigit() or whole == "")
        and (fraction == "" or fraction.isdigit())
    )

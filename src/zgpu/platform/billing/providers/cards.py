"""Card checks every processor makes before talking to a bank: number (Luhn), brand, expiry,
CVC and billing country. Each failure is an ``InvalidArgument`` naming the field."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Final

from zgpu.platform.billing.providers.countries import ISO_3166_ALPHA2
from zgpu.platform.billing.schemas import CardDetails
from zgpu.platform.errors import InvalidArgument

MAX_YEARS_AHEAD: Final = 20
"""Expiry dates further ahead than this are typos."""

_SEPARATORS = re.compile(r"[ \-]")
_EXPIRY = re.compile(r"^\s*(\d{1,2})\s*/\s*(\d{2}|\d{4})\s*$")

# (brand, prefix ranges as (low, high) over the first len(low) digits, allowed lengths)
_BRANDS: Final[tuple[tuple[str, tuple[tuple[str, str], ...], tuple[int, ...]], ...]] = (
    ("amex", (("34", "34"), ("37", "37")), (15,)),
    ("diners", (("300", "305"), ("36", "36"), ("38", "39")), (14, 15, 16, 17, 18, 19)),
    ("jcb", (("3528", "3589"),), (16, 17, 18, 19)),
    ("visa", (("4", "4"),), (13, 16, 19)),
    ("mastercard", (("51", "55"), ("2221", "2720")), (16,)),
    (
        "discover",
        (("6011", "6011"), ("644", "649"), ("65", "65"), ("622126", "622925")),
        (16, 17, 18, 19),
    ),
    ("unionpay", (("62", "62"),), (16, 17, 18, 19)),
)


@dataclass(frozen=True, slots=True)
class CheckedCard:
    """A card that passed every check: digits only, brand, expiry, country (upper case)."""

    number: str
    brand: str
    exp_month: int
    exp_year: int
    country: str


def luhn_valid(digits: str) -> bool:
    """Whether ``digits`` passes the Luhn checksum."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def detect_brand(digits: str) -> str | None:
    """The card brand of a number by its prefix and length (``visa``, ``mastercard``,
    ``amex``, ``discover``, ``diners``, ``jcb``, ``unionpay``), or ``None``."""
    for brand, ranges, lengths in _BRANDS:
        if len(digits) not in lengths:
            continue
        for low, high in ranges:
            if low <= digits[: len(low)] <= high:
                return brand
    return None


def normalize_number(number: str) -> str:
    """The digits of a card number typed with optional spaces or dashes.

    Raises ``InvalidArgument`` (param ``card.number``, code ``invalid_number``) unless it is
    12 to 19 digits passing the Luhn check, of a known brand.
    """
    digits = _SEPARATORS.sub("", number or "")
    if not digits.isdigit() or not 12 <= len(digits) <= 19:
        raise InvalidArgument(
            "The card number must be 12 to 19 digits.", code="invalid_number", param="card.number"
        )
    if not luhn_valid(digits):
        raise InvalidArgument(
            "The card number is not a valid card number.",
            code="invalid_number",
            param="card.number",
        )
    if detect_brand(digits) is None:
        raise InvalidArgument(
            "This card brand is not supported.", code="unsupported_brand", param="card.number"
        )
    return digits


def parse_expiry(expiry: str, today: date) -> tuple[int, int]:
    """``(month, year)`` from ``MM/YY`` (or ``MM/YYYY``).

    Raises ``InvalidArgument`` (param ``card.exp``): ``invalid_expiry`` for a malformed date,
    month outside 1-12 or a year too far ahead, ``expired_card`` for a month already over.
    """
    match = _EXPIRY.match(expiry or "")
    if match is None:
        raise InvalidArgument(
            "The expiration date must be MM/YY.", code="invalid_expiry", param="card.exp"
        )
    month = int(match.group(1))
    year = int(match.group(2))
    if year < 100:
        year += 2000
    if not 1 <= month <= 12:
        raise InvalidArgument(
            "The expiration month must be 01 to 12.", code="invalid_expiry", param="card.exp"
        )
    if (year, month) < (today.year, today.month):
        raise InvalidArgument("The card has expired.", code="expired_card", param="card.exp")
    if year > today.year + MAX_YEARS_AHEAD:
        raise InvalidArgument(
            "The expiration year is too far in the future.",
            code="invalid_expiry",
            param="card.exp",
        )
    return month, year


def check_cvc(cvc: str, brand: str) -> None:
    """Raise ``InvalidArgument`` (param ``card.cvc``, code ``invalid_cvc``) unless ``cvc`` is
    3 digits (4 for American Express)."""
    wanted = 4 if brand == "amex" else 3
    if not (cvc or "").isdigit() or len(cvc) != wanted:
        raise InvalidArgument(
            f"The security code must be {wanted} digits.", code="invalid_cvc", param="card.cvc"
        )


def check_country(country: str) -> str:
    """The ISO 3166-1 alpha-2 code, upper-cased; raises ``InvalidArgument`` (param
    ``card.country``, code ``invalid_country``) for anything else."""
    code = (country or "").strip().upper()
    if code not in ISO_3166_ALPHA2:
        raise InvalidArgument(
            "The billing country must be an ISO 3166-1 alpha-2 code such as US or DE.",
            code="invalid_country",
            param="card.country",
        )
    return code


def check_card(card: CardDetails, today: date) -> CheckedCard:
    """Every check, in form order (number, expiry, CVC, country); the first failure raises."""
    digits = normalize_number(card.number)
    brand = detect_brand(digits)
    assert brand is not None  # normalize_number refuses unknown brands
    month, year = parse_expiry(card.exp, today)
    check_cvc(card.cvc, brand)
    country = check_country(card.country)
    return CheckedCard(digits, brand, month, year, country)


def card_expired(exp_month: int, exp_year: int, today: date) -> bool:
    """Whether a card valid through ``exp_month/exp_year`` has expired by ``today``."""
    return (exp_year, exp_month) < (today.year, today.month)

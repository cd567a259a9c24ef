"""Money parsing and formatting: integers of micro-dollars, exact, and clear refusals."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zgpu.platform.billing import cents_to_micro, format_usd, parse_usd, usd
from zgpu.platform.errors import InvalidArgument

MAX = usd(10_000)


@pytest.mark.parametrize(
    ("text", "micro"),
    [
        ("5", 5_000_000),
        ("12.34", 12_340_000),
        ("0.01", 10_000),
        (" 25.50 ", 25_500_000),
        ("10000", 10_000_000_000),
        ("7.", 7_000_000),
    ],
)
def test_usd_strings_become_exact_micro_dollars(text: str, micro: int) -> None:
    assert parse_usd(text, param="amount_usd", maximum_micro=MAX) == micro


@pytest.mark.parametrize(
    ("value", "code", "fragment"),
    [
        ("-5", "invalid_argument", "negative"),
        ("12.345", "invalid_argument", "whole number of cents"),
        ("0.001", "invalid_argument", "whole number of cents"),
        ("10000.01", "amount_too_large", "at most $10000.00"),
        ("0", "amount_too_small", "at least"),
        ("1e3", "invalid_argument", "USD amount"),
        ("abc", "invalid_argument", "USD amount"),
        ("NaN", "invalid_argument", "USD amount"),
        ("", "invalid_argument", "USD amount"),
        (True, "invalid_argument", "boolean"),
    ],
)
def test_bad_amounts_are_refused_naming_the_field(value: str, code: str, fragment: str) -> None:
    with pytest.raises(InvalidArgument) as caught:
        parse_usd(value, param="amount_usd", maximum_micro=MAX)
    assert caught.value.param == "amount_usd"
    assert caught.value.code == code
    assert fragment in caught.value.message


def test_cents_are_checked_like_dollars() -> None:
    assert cents_to_micro(500, param="amount_cents", maximum_micro=MAX) == usd(5)
    for bad in (-1, 1_000_001, 1.5):
        with pytest.raises(InvalidArgument) as caught:
            cents_to_micro(bad, param="amount_cents", maximum_micro=MAX)  # type: ignore[arg-type]
        assert caught.value.param == "amount_cents"


@pytest.mark.parametrize(
    ("micro", "signed", "text"),
    [
        (5_000_000, True, "+$5.00"),
        (-500_000, True, "-$0.50"),
        (123, False, "$0.000123"),
        (-1_234_567, False, "-$1.234567"),
        (0, True, "$0.00"),
        (10_000, False, "$0.01"),
    ],
)
def test_formatting_is_exact(micro: int, signed: bool, text: str) -> None:
    assert format_usd(micro, signed=signed) == text


@given(st.integers(min_value=1, max_value=1_000_000))
def test_every_whole_cent_amount_round_trips(cents: int) -> None:
    micro = cents * 10_000
    text = format_usd(micro).removeprefix("$")
    assert parse_usd(text, param="amount_usd", maximum_micro=MAX) == micro

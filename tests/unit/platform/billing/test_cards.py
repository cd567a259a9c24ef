"""The test card processor: the checks a real processor makes, test numbers, idempotency."""

from __future__ import annotations

from datetime import date

import pytest

from zgpu.platform.billing import CardDetails, TestCardProvider
from zgpu.platform.billing.providers.cards import detect_brand, luhn_valid
from zgpu.platform.errors import InvalidArgument

TODAY = date(2026, 3, 11)


@pytest.mark.parametrize(
    ("number", "brand"),
    [
        ("4242424242424242", "visa"),
        ("5555555555554444", "mastercard"),
        ("2223003122003222", "mastercard"),
        ("378282246310005", "amex"),
        ("6011111111111117", "discover"),
        ("3056930009020004", "diners"),
        ("3566002020360505", "jcb"),
        ("6200000000000005", "unionpay"),
    ],
)
def test_brands_are_detected_from_valid_numbers(number: str, brand: str) -> None:
    assert luhn_valid(number)
    assert detect_brand(number) == brand
    cvc = "1234" if brand == "amex" else "123"
    token = TestCardProvider().tokenize(CardDetails(number, "04/27", cvc, "gb"), today=TODAY)
    assert (token.brand, token.last4, token.exp_month, token.exp_year, token.country) == (
        brand,
        number[-4:],
        4,
        2027,
        "GB",
    )
    assert number not in token.token


@pytest.mark.parametrize(
    ("card", "param", "code"),
    [
        (CardDetails("4242424242424241", "12/30", "123", "US"), "card.number", "invalid_number"),
        (CardDetails("4242", "12/30", "123", "US"), "card.number", "invalid_number"),
        (CardDetails("4242-4242-4242-424x", "12/30", "123", "US"), "card.number", "invalid_number"),
        (CardDetails("9999999999999995", "12/30", "123", "US"), "card.number", "unsupported_brand"),
        (CardDetails("4242424242424242", "02/26", "123", "US"), "card.exp", "expired_card"),
        (CardDetails("4242424242424242", "13/30", "123", "US"), "card.exp", "invalid_expiry"),
        (CardDetails("4242424242424242", "1230", "123", "US"), "card.exp", "invalid_expiry"),
        (CardDetails("4242424242424242", "12/30", "12", "US"), "card.cvc", "invalid_cvc"),
        (CardDetails("4242424242424242", "12/30", "1234", "US"), "card.cvc", "invalid_cvc"),
        (CardDetails("378282246310005", "12/30", "123", "US"), "card.cvc", "invalid_cvc"),
        (CardDetails("4242424242424242", "12/30", "123", "XX"), "card.country", "invalid_country"),
        (CardDetails("4242424242424242", "12/30", "123", "USA"), "card.country", "invalid_country"),
    ],
)
def test_bad_cards_are_refused_naming_the_field(card: CardDetails, param: str, code: str) -> None:
    with pytest.raises(InvalidArgument) as caught:
        TestCardProvider().tokenize(card, today=TODAY)
    assert (caught.value.param, caught.value.code) == (param, code)


def test_the_current_month_is_not_expired() -> None:
    card = CardDetails("4242424242424242", "03/26", "123", "US")
    assert TestCardProvider().tokenize(card, today=TODAY).exp_year == 2026


@pytest.mark.parametrize(
    ("number", "succeeded", "code"),
    [
        ("4242424242424242", True, None),
        ("4000000000000002", False, "card_declined"),
        ("4000000000009995", False, "insufficient_funds"),
        ("4000000000000069", False, "expired_card"),
    ],
)
def test_test_numbers_decide_the_charge(number: str, succeeded: bool, code: str | None) -> None:
    provider = TestCardProvider()
    token = provider.tokenize(CardDetails(number, "12/30", "123", "US"), today=TODAY).token
    result = provider.charge(token, 5_000_000, "k1")
    assert (result.succeeded, result.failure_code) == (succeeded, code)
    assert len(provider.charges) == (1 if succeeded else 0)


def test_a_repeated_key_charges_once() -> None:
    provider = TestCardProvider()
    token = provider.tokenize(CardDetails("4242424242424242", "12/30", "123", "US"), today=TODAY)
    first = provider.charge(token.token, 5_000_000, "same")
    again = provider.charge(token.token, 5_000_000, "same")
    assert first == again
    assert first.succeeded
    assert provider.charges == [(token.token, 5_000_000)]
    other_amount = provider.charge(token.token, 6_000_000, "same")
    assert not other_amount.succeeded
    assert other_amount.failure_code == "idempotency_key_reused"
    assert len(provider.charges) == 1

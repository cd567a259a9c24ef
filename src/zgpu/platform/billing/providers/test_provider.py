"""``TestCardProvider``: a card processor in the process, for development, tests and demos.

It behaves like a real processor's test mode. Tokenizing checks the number (Luhn, brand),
the expiry (``MM/YY``, not over), the CVC (3 digits, 4 for Amex) and the billing country
(ISO 3166-1 alpha-2). Charges depend on the card number:

==================  ==========================================
number              outcome of a charge
==================  ==========================================
4000000000000002    declined (``card_declined``)
4000000000009995    declined (``insufficient_funds``)
4000000000000069    declined (``expired_card``)
any other valid     succeeds (4242424242424242, 5555555555554444,
                    378282246310005, 6011111111111117 …)
==================  ==========================================

The token carries the outcome (``tok_test_<outcome>_<random>``), so the number itself is never
kept, not even in memory. Charges are idempotent per key within one provider object: a repeat
returns the first result, and ``charges`` lists each distinct charge once.
"""

from __future__ import annotations

import secrets
import threading
from datetime import date
from typing import Final

from zgpu.platform.billing.providers.base import CardToken, ChargeResult
from zgpu.platform.billing.providers.cards import check_card
from zgpu.platform.billing.schemas import CardDetails

SUCCESS_CARD: Final = "4242424242424242"
DECLINE_CARD: Final = "4000000000000002"
INSUFFICIENT_FUNDS_CARD: Final = "4000000000009995"
EXPIRED_CARD: Final = "4000000000000069"

_OUTCOMES: Final = {
    DECLINE_CARD: "declined",
    INSUFFICIENT_FUNDS_CARD: "nofunds",
    EXPIRED_CARD: "expired",
}
_FAILURES: Final = {
    "declined": ("card_declined", "Your card was declined."),
    "nofunds": ("insufficient_funds", "Your card has insufficient funds."),
    "expired": ("expired_card", "Your card has expired."),
}
_PREFIX: Final = "tok_test_"


class TestCardProvider:
    """The built-in test processor (see the module doc). Thread-safe."""

    __test__ = False  # not a pytest test class, despite the name

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._results: dict[str, tuple[str, int, ChargeResult]] = {}
        self.charges: list[tuple[str, int]] = []
        """Each successful charge once, as ``(token, amount_micro)``."""

    @property
    def name(self) -> str:
        """``"test"``."""
        return "test"

    def tokenize(self, card: CardDetails, *, today: date) -> CardToken:
        """Check the card and return a token; raises ``InvalidArgument`` naming the field."""
        checked = check_card(card, today)
        outcome = _OUTCOMES.get(checked.number, "ok")
        return CardToken(
            token=f"{_PREFIX}{outcome}_{secrets.token_hex(12)}",
            brand=checked.brand,
            last4=checked.number[-4:],
            exp_month=checked.exp_month,
            exp_year=checked.exp_year,
            country=checked.country,
        )

    def charge(self, token: str, amount_micro: int, idempotency_key: str) -> ChargeResult:
        """Charge the token; the same ``idempotency_key`` always gets the first result.

        A repeated key with another token or amount is a caller bug: it fails with
        ``idempotency_key_reused`` and charges nothing.
        """
        with self._lock:
            previous = self._results.get(idempotency_key)
            if previous is not None:
                first_token, first_amount, result = previous
                if (first_token, first_amount) != (token, amount_micro):
                    return ChargeResult(
                        False,
                        failure_code="idempotency_key_reused",
                        failure_message="This idempotency key was used for another charge.",
                    )
                return result
            result = self._decide(token, amount_micro)
            self._results[idempotency_key] = (token, amount_micro, result)
            if result.succeeded:
                self.charges.append((token, amount_micro))
            return result

    def _decide(self, token: str, amount_micro: int) -> ChargeResult:
        if not token.startswith(_PREFIX) or amount_micro <= 0:
            return ChargeResult(
                False, failure_code="invalid_request", failure_message="Unknown payment method."
            )
        outcome = token[len(_PREFIX) :].split("_", 1)[0]
        failure = _FAILURES.get(outcome)
        if failure is not None:
            return ChargeResult(False, failure_code=failure[0], failure_message=failure[1])
        return ChargeResult(True, provider_charge_id=f"ch_test_{secrets.token_hex(12)}")

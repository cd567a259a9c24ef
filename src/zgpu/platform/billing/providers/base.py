"""The payment provider seam: tokenize a card once, charge its token with an idempotency key.

A provider is what a card processor (or the built-in test processor) looks like to billing.
Both methods are blocking calls (a real processor is a network call): run them on a worker
thread, never while a database transaction is open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from zgpu.platform.billing.schemas import CardDetails


@dataclass(frozen=True, slots=True)
class CardToken:
    """A tokenized card: the provider's opaque ``token`` and what may be stored and shown."""

    token: str
    brand: str
    last4: str
    exp_month: int
    exp_year: int
    country: str


@dataclass(frozen=True, slots=True)
class ChargeResult:
    """The outcome of a charge. On success ``provider_charge_id`` is set; on failure
    ``failure_code`` (``card_declined``, ``insufficient_funds``, ``expired_card`` …) and a
    human ``failure_message`` say why."""

    succeeded: bool
    provider_charge_id: str | None = None
    failure_code: str | None = None
    failure_message: str | None = None


class PaymentProvider(Protocol):
    """A card processor."""

    @property
    def name(self) -> str:
        """A short id stored with each payment method (``"test"``, ``"stripe"`` …)."""
        ...

    def tokenize(self, card: CardDetails, *, today: date) -> CardToken:
        """Validate ``card`` and return a token for it; the number and CVC go no further.

        Raises ``InvalidArgument`` whose ``param`` names the bad field (``card.number``,
        ``card.exp``, ``card.cvc``, ``card.country``).
        """
        ...

    def charge(self, token: str, amount_micro: int, idempotency_key: str) -> ChargeResult:
        """Charge ``amount_micro`` (whole cents) to ``token``.

        Idempotent: a second call with the same ``idempotency_key`` returns the first call's
        result and charges nothing. A decline is a result, not an exception.
        """
        ...

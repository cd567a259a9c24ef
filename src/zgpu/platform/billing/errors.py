"""Billing's errors: refinements of the platform hierarchy, so ``zgpu.api`` maps them by MRO.

::

    Conflict
    └── IdempotencyConflict   an idempotency key reused with a different request body
    InvalidArgument
    └── PaymentDeclined       the payment processor refused the charge (code says why)
"""

from __future__ import annotations

from zgpu.platform.errors import Conflict, InvalidArgument

IDEMPOTENCY_HEADER = "Idempotency-Key"
"""The header (and ``param``) that carries a charge's idempotency key."""


class IdempotencyConflict(Conflict):
    """The idempotency key was already used for a request with a different body.

    ``param`` is ``Idempotency-Key``: retry with the original body, or use a new key.
    """

    default_code = "idempotency_conflict"

    def __init__(self, message: str, code: str | None = None, param: str | None = None) -> None:
        super().__init__(message, code=code, param=param or IDEMPOTENCY_HEADER)


class PaymentDeclined(InvalidArgument):
    """The processor declined the charge; ``code`` is ``card_declined``,
    ``insufficient_funds`` or ``expired_card`` and ``param`` names the payment method."""

    default_code = "card_declined"

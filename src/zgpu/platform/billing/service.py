"""``Billing``: the operations that need the payment provider (cards, credit, auto recharge).

Everything else in the package takes a session and joins the caller's unit of work. These
operations call the processor, which must never happen inside an open transaction, so they
take the ``Database`` and open short transactions around the call (see
``zgpu.platform.billing.charges`` for why that stays exactly-once).
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from zgpu.platform.billing.auto_recharge import (
    RechargeOutcome,
    configure_auto_recharge,
    run_auto_recharge,
    sweep_auto_recharges,
)
from zgpu.platform.billing.charges import (
    PendingCharge,
    call_provider,
    check_idempotency_key,
    complete_charge,
    existing_charge,
    insert_charge,
    pending_of,
    receipt_of,
    request_fingerprint,
)
from zgpu.platform.billing.errors import PaymentDeclined
from zgpu.platform.billing.models import Charge
from zgpu.platform.billing.money import check_amount
from zgpu.platform.billing.payment_methods import (
    add_payment_method,
    default_payment_method,
    get_payment_method,
    remove_payment_method,
)
from zgpu.platform.billing.providers.base import CardToken, PaymentProvider
from zgpu.platform.billing.providers.test_provider import TestCardProvider
from zgpu.platform.billing.schemas import (
    AutoRechargeSettings,
    BillingConfig,
    CardDetails,
    CreditReceipt,
    LedgerKind,
    PaymentMethodInfo,
)
from zgpu.platform.db.session import Database
from zgpu.platform.db.types import utc_now
from zgpu.platform.errors import InvalidArgument, StorageError

_NON_DIGITS = re.compile(r"\D")


class Billing:
    """The payment provider and billing limits, and the operations that use them.

    ``provider`` defaults to the built-in ``TestCardProvider`` and ``config`` to
    ``BillingConfig()``. One object serves a whole process; it holds no per-request state.
    """

    def __init__(
        self, provider: PaymentProvider | None = None, config: BillingConfig | None = None
    ) -> None:
        self.provider: PaymentProvider = provider if provider is not None else TestCardProvider()
        self.config = config if config is not None else BillingConfig()

    def add_payment_method(
        self,
        db: Database,
        organization_id: uuid.UUID,
        card: CardDetails,
        *,
        make_default: bool = False,
        now: datetime | None = None,
    ) -> PaymentMethodInfo:
        """Tokenize ``card`` and save it. Raises ``InvalidArgument`` naming the card field
        (``card.number``, ``card.exp``, ``card.cvc``, ``card.country``)."""
        now = now or utc_now()
        token = self.provider.tokenize(card, today=now.date())
        with db.session() as session:
            return add_payment_method(
                session,
                organization_id,
                token,
                provider=self.provider.name,
                now=now,
                make_default=make_default,
            )

    def add_credit(
        self,
        db: Database,
        organization_id: uuid.UUID,
        *,
        amount_micro: int,
        idempotency_key: str | None,
        payment_method_id: uuid.UUID | None = None,
        card: CardDetails | None = None,
        now: datetime | None = None,
    ) -> CreditReceipt:
        """Buy credit: charge a saved method (the default when neither is given) or a new
        card (saved as a payment method), and credit the ledger once.

        The same ``idempotency_key`` with the same body returns the first outcome without
        charging again (``replayed``); with another body it raises ``IdempotencyConflict``.
        Raises ``InvalidArgument`` naming the field (``Idempotency-Key``, ``amount``, a card
        field, ``payment_method_id``), ``NotFound`` for an unknown payment method and
        ``PaymentDeclined`` when the processor refuses (the failed charge is recorded, and a
        replay of its key raises the same error).
        """
        now = now or utc_now()
        key = f"credit:{check_idempotency_key(idempotency_key)}"
        check_amount(
            amount_micro,
            param="amount",
            minimum_micro=self.config.min_credit_micro,
            maximum_micro=self.config.max_credit_micro,
        )
        if card is not None and payment_method_id is not None:
            raise InvalidArgument("give a payment_method_id or a new card, not both", param="card")
        fingerprint = request_fingerprint(
            {
                "amount_micro": amount_micro,
                "payment_method_id": str(payment_method_id) if payment_method_id else None,
                "card": _card_summary(card) if card is not None else None,
            }
        )
        with db.session() as session:
            charge = existing_charge(session, organization_id, key, fingerprint)
            step = self._replay(session, charge, now) if charge is not None else None
        if step is None:
            token = self.provider.tokenize(card, today=now.date()) if card is not None else None
            step = self._begin(
                db, organization_id, key, fingerprint, amount_micro, payment_method_id, token, now
            )
        if isinstance(step, CreditReceipt):
            return step
        pending = step
        result = call_provider(self.provider, pending)
        with db.session() as session:
            done = complete_charge(session, pending.charge_id, result, now)
            receipt = receipt_of(session, done, replayed=False)
        if done.status == "failed":
            if card is not None:  # a new card that was declined is not kept
                with db.session() as session:
                    remove_payment_method(session, organization_id, done.payment_method_id, now=now)
            raise _declined(done, card is not None)
        return receipt

    def configure_auto_recharge(
        self,
        session: Session,
        organization_id: uuid.UUID,
        *,
        enabled: bool,
        threshold_micro: int,
        amount_micro: int,
        payment_method_id: uuid.UUID | None = None,
        now: datetime | None = None,
    ) -> AutoRechargeSettings:
        """``configure_auto_recharge`` with this object's limits."""
        return configure_auto_recharge(
            session,
            organization_id,
            enabled=enabled,
            threshold_micro=threshold_micro,
            amount_micro=amount_micro,
            payment_method_id=payment_method_id,
            config=self.config,
            now=now or utc_now(),
        )

    def run_auto_recharge(
        self, db: Database, organization_id: uuid.UUID, *, now: datetime | None = None
    ) -> RechargeOutcome:
        """``run_auto_recharge`` with this object's provider and limits."""
        return run_auto_recharge(
            db, self.provider, organization_id, config=self.config, now=now or utc_now()
        )

    def sweep_auto_recharges(
        self, db: Database, *, now: datetime | None = None
    ) -> list[RechargeOutcome]:
        """``sweep_auto_recharges`` with this object's provider and limits."""
        return sweep_auto_recharges(db, self.provider, config=self.config, now=now or utc_now())

    def _replay(
        self, session: Session, charge: Charge, now: datetime
    ) -> CreditReceipt | PendingCharge:
        if charge.status == "succeeded":
            return receipt_of(session, charge, replayed=True)
        if charge.status == "failed":
            raise _declined(charge, False)
        return pending_of(session, charge, now.date())

    def _begin(
        self,
        db: Database,
        organization_id: uuid.UUID,
        key: str,
        fingerprint: str,
        amount_micro: int,
        payment_method_id: uuid.UUID | None,
        token: CardToken | None,
        now: datetime,
    ) -> CreditReceipt | PendingCharge:
        """Save the new card (if any) and insert the pending charge in one transaction; a
        concurrent request with the same key makes this one replay that request's charge."""
        try:
            with db.session() as session:
                if token is not None:
                    method_id = add_payment_method(
                        session, organization_id, token, provider=self.provider.name, now=now
                    ).id
                elif payment_method_id is not None:
                    method_id = get_payment_method(session, organization_id, payment_method_id).id
                else:
                    default = default_payment_method(session, organization_id)
                    if default is None:
                        raise InvalidArgument(
                            "No payment method: give payment_method_id or a new card.",
                            param="payment_method_id",
                        )
                    method_id = default.id
                charge = insert_charge(
                    session,
                    organization_id=organization_id,
                    kind=LedgerKind.CREDIT,
                    key=key,
                    fingerprint=fingerprint,
                    amount_micro=amount_micro,
                    payment_method_id=method_id,
                    now=now,
                )
                return pending_of(session, charge, now.date())
        except StorageError as exc:
            if not isinstance(exc.__cause__, IntegrityError):
                raise
        with db.session() as session:
            raced = existing_charge(session, organization_id, key, fingerprint)
            if raced is None:
                raise StorageError("the charge could not be recorded; retry")
            return self._replay(session, raced, now)


def _card_summary(card: CardDetails) -> str:
    """What identifies a new card in an idempotency fingerprint, without its number."""
    digits = _NON_DIGITS.sub("", card.number)
    return f"{digits[-4:]}|{card.exp.strip()}|{card.country.strip().upper()}"


def _declined(charge: Charge, new_card: bool) -> PaymentDeclined:
    return PaymentDeclined(
        charge.failure_message or "The payment was declined.",
        code=charge.failure_code or "card_declined",
        param="card.number" if new_card else "payment_method_id",
    )

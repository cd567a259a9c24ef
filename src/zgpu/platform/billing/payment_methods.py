"""Saved payment methods of an organization: add, list, set default, remove.

Cards reach this module already tokenized (``PaymentProvider.tokenize``): only the token,
brand, last four digits, expiry and country are stored. Removing a method keeps its row (past
charges refer to it) but hides it and clears it from auto recharge. An organization has at most
one default method; the first one added becomes it, and removing the default promotes the most
recently added remaining method.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from zgpu.platform.billing.models import AutoRechargeState, PaymentMethod
from zgpu.platform.billing.providers.base import CardToken
from zgpu.platform.billing.schemas import PaymentMethodInfo
from zgpu.platform.db.integrity import flush_or_conflict
from zgpu.platform.errors import InvalidArgument, NotFound

MAX_PAYMENT_METHODS = 20
"""Live payment methods one organization may keep."""


def add_payment_method(
    session: Session,
    organization_id: uuid.UUID,
    card: CardToken,
    *,
    provider: str,
    now: datetime,
    make_default: bool = False,
) -> PaymentMethodInfo:
    """Save a tokenized card; it becomes the default when asked or when it is the first.

    Raises ``InvalidArgument`` when the organization already has ``MAX_PAYMENT_METHODS``
    methods, and ``Conflict`` if a concurrent change raced for the default.
    """
    live = _live(session, organization_id)
    if len(live) >= MAX_PAYMENT_METHODS:
        raise InvalidArgument(
            f"an organization may keep at most {MAX_PAYMENT_METHODS} payment methods",
            param="payment_method",
        )
    default = make_default or not any(m.is_default for m in live)
    if default:
        _clear_default(session, organization_id)
    method = PaymentMethod(
        organization_id=organization_id,
        provider=provider,
        token=card.token,
        brand=card.brand,
        last4=card.last4,
        exp_month=card.exp_month,
        exp_year=card.exp_year,
        country=card.country,
        is_default=default,
        created_at=now,
    )
    session.add(method)
    flush_or_conflict(session, "the default payment method changed concurrently; retry")
    return payment_method_info(method)


def list_payment_methods(session: Session, organization_id: uuid.UUID) -> list[PaymentMethodInfo]:
    """The organization's live payment methods, the default first, then newest first."""
    methods = _live(session, organization_id)
    methods.sort(key=lambda m: (not m.is_default, -m.created_at.timestamp()))
    return [payment_method_info(m) for m in methods]


def get_payment_method(
    session: Session, organization_id: uuid.UUID, payment_method_id: uuid.UUID
) -> PaymentMethod:
    """A live payment method of the organization; raises ``NotFound`` (param
    ``payment_method_id``) when it does not exist, was removed or is another organization's."""
    method = session.get(PaymentMethod, payment_method_id)
    if method is None or method.organization_id != organization_id or method.removed_at:
        raise NotFound(f"payment method {payment_method_id} not found", param="payment_method_id")
    return method


def default_payment_method(session: Session, organization_id: uuid.UUID) -> PaymentMethod | None:
    """The organization's default live payment method, if any."""
    return session.scalar(
        select(PaymentMethod).where(
            PaymentMethod.organization_id == organization_id,
            PaymentMethod.is_default.is_(True),
            PaymentMethod.removed_at.is_(None),
        )
    )


def set_default_payment_method(
    session: Session, organization_id: uuid.UUID, payment_method_id: uuid.UUID
) -> PaymentMethodInfo:
    """Make a method the default; raises ``NotFound`` (param ``payment_method_id``)."""
    method = get_payment_method(session, organization_id, payment_method_id)
    if not method.is_default:
        _clear_default(session, organization_id)
        method.is_default = True
        flush_or_conflict(session, "the default payment method changed concurrently; retry")
    return payment_method_info(method)


def remove_payment_method(
    session: Session, organization_id: uuid.UUID, payment_method_id: uuid.UUID, *, now: datetime
) -> None:
    """Remove a method (see the module doc); raises ``NotFound`` (param
    ``payment_method_id``)."""
    method = get_payment_method(session, organization_id, payment_method_id)
    was_default = method.is_default
    method.removed_at = now
    method.is_default = False
    session.execute(
        update(AutoRechargeState)
        .where(
            AutoRechargeState.organization_id == organization_id,
            AutoRechargeState.payment_method_id == payment_method_id,
        )
        .values(payment_method_id=None)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    if was_default:
        remaining = _live(session, organization_id)
        if remaining:
            newest = max(remaining, key=lambda m: m.created_at)
            newest.is_default = True
    flush_or_conflict(session, "the default payment method changed concurrently; retry")


def payment_method_info(method: PaymentMethod) -> PaymentMethodInfo:
    """What may be shown of a payment method."""
    return PaymentMethodInfo(
        id=method.id,
        organization_id=method.organization_id,
        brand=method.brand,
        last4=method.last4,
        exp_month=method.exp_month,
        exp_year=method.exp_year,
        country=method.country,
        is_default=method.is_default,
        created_at=method.created_at,
    )


def _live(session: Session, organization_id: uuid.UUID) -> list[PaymentMethod]:
    return list(
        session.scalars(
            select(PaymentMethod)
            .where(
                PaymentMethod.organization_id == organization_id,
                PaymentMethod.removed_at.is_(None),
            )
            .order_by(PaymentMethod.created_at)
        )
    )


def _clear_default(session: Session, organization_id: uuid.UUID) -> None:
    for method in _live(session, organization_id):
        if method.is_default:
            method.is_default = False
    session.flush()

"""Settling usage: moving recorded request costs into the ledger, one line per day and model.

``settle_usage(session, now)`` settles every unsettled charge of a UTC day that ended at least
``grace`` ago. In one transaction it claims the charges with a single conditional ``UPDATE``
(``settled_at IS NULL``: a charge is claimed by exactly one settlement, even when several run
at once), then writes one ``usage`` ledger line per organization, day and model, whose amount
is minus the sum of the claimed costs. The balance does not move: the costs leave the unsettled
sum in the same commit that adds them to the ledger.

The grace period lets requests stamped just before midnight reach the database before their
day is settled, so each day and model normally gets exactly one line. A charge that arrives
after its day was settled (a writer stalled for longer than the grace) is settled by the next
run as a second line for that day and model.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from zgpu.platform.billing.ledger import append_entry
from zgpu.platform.billing.models import UsageCharge
from zgpu.platform.billing.schemas import EntryStatus, LedgerKind

DAY = timedelta(days=1)
DEFAULT_GRACE = timedelta(hours=1)


def start_of_day(moment: datetime) -> datetime:
    """The UTC midnight at or before ``moment``."""
    utc = moment.astimezone(UTC)
    return utc.replace(hour=0, minute=0, second=0, microsecond=0)


def settlement_cutoff(now: datetime, grace: timedelta = DEFAULT_GRACE) -> datetime:
    """Charges created before this instant are settled: the start of the UTC day that
    contains ``now - grace``."""
    return start_of_day(now - grace)


def usage_description(model: str, day: datetime) -> str:
    """The history description of a usage line."""
    return f"Usage · {model} · {day:%Y-%m-%d}"


def settle_usage(session: Session, now: datetime, *, grace: timedelta = DEFAULT_GRACE) -> int:
    """Settle every unsettled usage charge created before ``settlement_cutoff(now, grace)``;
    returns the number of ledger lines written. Flushes, does not commit.

    Safe to run concurrently from several processes: each charge is settled once.
    """
    cutoff = settlement_cutoff(now, grace)
    token = uuid.uuid4()
    claimed = session.execute(
        update(UsageCharge)
        .where(UsageCharge.settled_at.is_(None), UsageCharge.created_at < cutoff)
        .values(settled_at=now, settlement_id=token)
        .execution_options(synchronize_session=False)
    )
    if not claimed.rowcount:  # type: ignore[attr-defined]
        return 0
    first = session.scalar(
        select(func.min(UsageCharge.created_at)).where(UsageCharge.settlement_id == token)
    )
    if first is None:
        return 0
    lines = 0
    day = start_of_day(first)
    while day < cutoff:
        groups = session.execute(
            select(
                UsageCharge.organization_id,
                UsageCharge.model,
                func.sum(UsageCharge.cost_micro),
            )
            .where(
                UsageCharge.settlement_id == token,
                UsageCharge.created_at >= day,
                UsageCharge.created_at < day + DAY,
            )
            .group_by(UsageCharge.organization_id, UsageCharge.model)
            .order_by(UsageCharge.organization_id, UsageCharge.model)
        ).all()
        for organization_id, model, total in groups:
            append_entry(
                session,
                organization_id,
                LedgerKind.USAGE,
                -int(total),
                created_at=day + DAY - timedelta(seconds=1),
                description=usage_description(model, day),
                status=EntryStatus.SETTLED,
                reference=f"usage:{token.hex}:{organization_id.hex}:{day:%Y%m%d}:{model}",
                model=model,
                usage_day=day,
            )
            lines += 1
        day += DAY
    return lines

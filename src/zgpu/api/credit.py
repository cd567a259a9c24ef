"""Admission by credit: an organization at or below zero gets 402 before any model runs.

The balance is a sum over the ledger and unsettled usage, so it is read at most once per
``ttl_s`` per organization and cached. Requests admitted meanwhile may still finish, which
widens the overdraft bound of docs/billing.md by what one organization can spend in ``ttl_s``.
"""

from __future__ import annotations

import asyncio
import time
import uuid

from zgpu.platform.billing import check_credit
from zgpu.platform.db import Database
from zgpu.platform.errors import InsufficientQuota


class CreditGate:
    """Raises ``InsufficientQuota`` for organizations out of credit; a no-op when disabled."""

    def __init__(self, database: Database, *, enforced: bool, ttl_s: float = 1.0) -> None:
        self._database = database
        self._enforced = enforced
        self._ttl_s = ttl_s
        self._verdicts: dict[uuid.UUID, tuple[float, InsufficientQuota | None]] = {}

    async def admit(self, organization_id: uuid.UUID) -> None:
        """Return when the organization may spend; raise ``InsufficientQuota`` otherwise."""
        if not self._enforced:
            return
        now = time.monotonic()
        cached = self._verdicts.get(organization_id)
        if cached is None or now - cached[0] > self._ttl_s:
            verdict = await asyncio.to_thread(self._check, organization_id)
            cached = (now, verdict)
            self._verdicts[organization_id] = cached
        if cached[1] is not None:
            raise cached[1]

    def _check(self, organization_id: uuid.UUID) -> InsufficientQuota | None:
        with self._database.session() as session:
            try:
                check_credit(session, organization_id)
            except InsufficientQuota as exc:
                return exc
        return None

"""Billing work that runs beside the request path: auto recharges and usage settlement.

Auto recharges run when a committed batch of usage touched an organization (at most one run
per organization at a time) and in a periodic sweep that also retries failed charges; usage
is settled into the ledger periodically. All database work runs in threads.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Callable, Coroutine
from typing import Any

from zgpu.platform.billing import Billing, settle_usage
from zgpu.platform.db import Database
from zgpu.platform.db.types import utc_now

logger = logging.getLogger(__name__)


class BillingJobs:
    """Owns the background billing tasks of one gateway."""

    def __init__(
        self,
        database: Database,
        billing: Billing,
        *,
        sweep_interval_s: float = 30.0,
        settle_interval_s: float = 3600.0,
    ) -> None:
        self._database = database
        self._billing = billing
        self._sweep_interval_s = sweep_interval_s
        self._settle_interval_s = settle_interval_s
        self._loop: asyncio.AbstractEventLoop | None = None
        self._running: set[uuid.UUID] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        """Start the periodic sweep and settlement loops."""
        self._loop = asyncio.get_running_loop()
        self._spawn(self._every(self._sweep_interval_s, self._sweep))
        self._spawn(self._every(self._settle_interval_s, self._settle))

    async def stop(self) -> None:
        """Cancel the loops and wait for recharges in progress."""
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def usage_billed(self, costs: dict[uuid.UUID, int]) -> None:
        """Called from the log writer's thread after a batch with usage committed."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        for organization_id in costs:
            loop.call_soon_threadsafe(self._recharge_soon, organization_id)

    def _recharge_soon(self, organization_id: uuid.UUID) -> None:
        if organization_id in self._running:
            return  # one check per organization at a time; the sweep catches the rest
        self._running.add(organization_id)
        self._spawn(self._recharge(organization_id))

    async def _recharge(self, organization_id: uuid.UUID) -> None:
        try:
            await asyncio.to_thread(
                self._billing.run_auto_recharge, self._database, organization_id
            )
        except Exception:
            logger.exception("auto recharge of organization %s failed", organization_id)
        finally:
            self._running.discard(organization_id)

    def _sweep(self) -> None:
        self._billing.sweep_auto_recharges(self._database)

    def _settle(self) -> None:
        with self._database.session() as session:
            settle_usage(session, utc_now())

    async def _every(self, interval_s: float, job: Callable[[], object]) -> None:
        while True:
            await asyncio.sleep(interval_s)
            try:
                await asyncio.to_thread(job)
            except Exception:
                logger.exception("billing job %s failed; retrying next interval", job)

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

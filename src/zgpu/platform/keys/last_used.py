"""Recording when keys were last used, off the request path.

Authentication notes each use in memory; a background task writes the notes in one batched
transaction. Each key is written at most once per interval, and a failed write is logged and
dropped: ``last_used_at`` is informational and must never fail or slow a request.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Callable
from datetime import datetime

from zgpu.platform.db.session import Database
from zgpu.platform.keys.repository import KeyRepository

logger = logging.getLogger(__name__)

_PRUNE_ABOVE = 10_000


class LastUsedRecorder:
    """Batches ``last_used_at`` updates; at most one write per key per ``interval_s``.

    ``note`` must be called from a running event loop. Call ``aclose`` before the loop ends to
    wait for the last write.
    """

    def __init__(
        self,
        db: Database,
        interval_s: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._db = db
        self._interval_s = interval_s
        self._clock = clock
        self._next_allowed: dict[uuid.UUID, float] = {}
        self._pending: dict[uuid.UUID, datetime] = {}
        self._task: asyncio.Task[None] | None = None

    def note(self, key_id: uuid.UUID, used_at: datetime) -> None:
        """Remember that ``key_id`` was used at ``used_at``; never blocks, never raises."""
        now = self._clock()
        if self._next_allowed.get(key_id, float("-inf")) > now:
            return
        if len(self._next_allowed) > _PRUNE_ABOVE:
            self._next_allowed = {k: t for k, t in self._next_allowed.items() if t > now}
        self._next_allowed[key_id] = now + self._interval_s
        self._pending[key_id] = used_at
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._drain())

    async def _drain(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, {}
            try:
                await asyncio.to_thread(self._write, batch)
            except Exception:
                logger.warning("could not record last use of %d keys", len(batch), exc_info=True)

    def _write(self, batch: dict[uuid.UUID, datetime]) -> None:
        with self._db.session() as session:
            KeyRepository(session).touch(batch.items())

    async def aclose(self) -> None:
        """Wait until every noted use has been written (or its write has failed)."""
        while self._task is not None and not self._task.done():
            await asyncio.shield(self._task)

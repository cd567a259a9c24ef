"""Log retention: per-project days to keep, and the pruner that deletes older rows.

Pruning deletes in small batches, each its own short transaction, with a pause between them,
so recording requests (which shares the tables) waits at most one batch for a lock. It runs in
a worker thread of its own task, never on the request path. Usage rollups are not pruned:
analytics outlive the raw log.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from zgpu.aio import cancel_and_wait
from zgpu.platform.db.session import Database
from zgpu.platform.db.types import utc_now
from zgpu.platform.errors import InvalidArgument, NotFound, PlatformError
from zgpu.platform.logs.models import LogRetention
from zgpu.platform.logs.repository import RequestLogRepository
from zgpu.platform.projects.models import Project

logger = logging.getLogger(__name__)

DEFAULT_BATCH = 5000
MAX_RETENTION_DAYS = 3650


def set_retention(session: Session, project_id: uuid.UUID, days: int | None) -> None:
    """Keep the project's logs ``days`` days, or fall back to the default with ``None``.

    Raises ``InvalidArgument`` (param ``days``) outside 1..3650, ``NotFound`` for an unknown
    project. Does not commit.
    """
    if session.get(Project, project_id) is None:
        raise NotFound("no such project", param="project_id")
    current = session.get(LogRetention, project_id)
    if days is None:
        if current is not None:
            session.delete(current)
            session.flush()
        return
    if isinstance(days, bool) or not 1 <= days <= MAX_RETENTION_DAYS:
        raise InvalidArgument(f"days must be between 1 and {MAX_RETENTION_DAYS}", param="days")
    if current is None:
        session.add(LogRetention(project_id=project_id, days=days))
    else:
        current.days = days
    session.flush()


def get_retention(session: Session, project_id: uuid.UUID) -> int | None:
    """The project's own retention in days, ``None`` when it uses the default."""
    row = session.get(LogRetention, project_id)
    return row.days if row is not None else None


def prune_expired(
    db: Database,
    now: datetime,
    *,
    default_days: int | None = None,
    batch_size: int = DEFAULT_BATCH,
    pause_s: float = 0.05,
    should_stop: Callable[[], bool] | None = None,
) -> int:
    """Delete every log older than its project's retention; returns how many were deleted.

    A project keeps its logs ``days`` from its ``log_retention`` row, else ``default_days``;
    with neither, forever. Deletes at most ``batch_size`` rows per transaction and sleeps
    ``pause_s`` between batches (blocking: call it from a worker thread). ``should_stop``,
    checked between batches, ends the pass early. Raises
    ``InvalidArgument`` for a naive ``now`` or a batch size below 1, ``StorageError`` if the
    database fails (batches already committed stay deleted).
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise InvalidArgument("now must be timezone-aware", param="now")
    if batch_size < 1:
        raise InvalidArgument("batch_size must be at least 1", param="batch_size")
    with db.session() as session:
        projects = list(session.scalars(select(Project.id).order_by(Project.id)))
        policies = {row.project_id: row.days for row in session.scalars(select(LogRetention))}
    deleted = 0
    for project_id in projects:
        days = policies.get(project_id, default_days)
        if days is None:
            continue
        cutoff = now - timedelta(days=days)
        while not (should_stop is not None and should_stop()):
            with db.session() as session:
                count = RequestLogRepository(session).delete_older_than(
                    project_id, cutoff, batch_size
                )
            deleted += count
            if count < batch_size:
                break
            time.sleep(pause_s)
    return deleted


class RetentionPruner:
    """A background task running ``prune_expired`` every ``interval_s`` in a worker thread.

    ``clock`` gives the current time (timezone-aware) for each pass.

    ``await start()`` in the serving event loop, ``await stop()`` at shutdown: a pass in
    progress ends after its current batch (its thread finishes in the background). Failures
    are logged and retried at the next interval; they never reach the request path.
    """

    def __init__(
        self,
        db: Database,
        *,
        default_days: int | None,
        interval_s: float = 3600.0,
        batch_size: int = DEFAULT_BATCH,
        pause_s: float = 0.05,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        if interval_s <= 0:
            raise ValueError("interval_s must be positive")
        self._db = db
        self._default_days = default_days
        self._interval_s = interval_s
        self._batch_size = batch_size
        self._pause_s = pause_s
        self._clock = clock
        self._task: asyncio.Task[None] | None = None
        self._stopping = threading.Event()
        self.deleted = 0
        self.passes = 0

    async def start(self) -> None:
        """Start pruning (first pass immediately); starting a running pruner does nothing."""
        if self._task is None or self._task.done():
            self._stopping.clear()
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        """Stop the task and wait for it."""
        task, self._task = self._task, None
        self._stopping.set()
        await cancel_and_wait(task)

    async def run_once(self) -> int:
        """One pruning pass in a worker thread; the number of rows deleted."""
        deleted = await asyncio.to_thread(
            prune_expired,
            self._db,
            self._clock(),
            default_days=self._default_days,
            batch_size=self._batch_size,
            pause_s=self._pause_s,
            should_stop=self._stopping.is_set,
        )
        self.deleted += deleted
        self.passes += 1
        return deleted

    async def _run(self) -> None:
        while True:
            try:
                await self.run_once()
            except PlatformError as exc:
                logger.warning("log retention pass failed: %s", exc)
            await asyncio.sleep(self._interval_s)

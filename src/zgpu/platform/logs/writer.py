"""``RequestLogWriter``: durable request logs with group commit.

Every ``record`` call waits until its row is committed, yet many calls share one transaction:
one asyncio task owns a queue, takes everything pending (up to ``max_batch``), commits it in one
transaction on a worker thread (``zgpu.platform.logs.batch``: on a connection kept between
batches; on PostgreSQL a single statement in one round trip, billed or not), then resolves
every waiter. While a batch is being written the next one accumulates, so the number of commits
adapts to the load.

The same transaction adds the batch to the usage rollups (``zgpu.platform.usage``): the batch
is grouped in memory by project, key, model and minute/hour/day bucket, and each group adds to
its rollup row once. A log row and its share of the rollups therefore commit together or not at
all, which is what keeps usage totals equal to sums over the log.

A failed batch is never dropped silently. If it failed on a constraint (a duplicate request id,
a project that no longer exists), its entries are retried one per transaction so that only the
offending ones fail; any other database error fails the whole batch. Failed waiters get a
``StorageError``.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from zgpu.platform.db.session import Database
from zgpu.platform.errors import StorageError
from zgpu.platform.logs.batch import BatchConnection
from zgpu.platform.logs.schemas import RequestLogEntry

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class _Pending:
    entry: RequestLogEntry
    done: asyncio.Future[None]


_STOP = object()


class RequestLogWriter:
    """Writes request logs in group-committed batches; see the module docstring.

    Lifecycle: ``await start()`` in the event loop that will call ``record``, ``await stop()``
    at shutdown (it writes everything already recorded). ``batches`` and ``entries`` count the
    transactions and rows committed so far. ``usage_rollups=False`` writes only the log rows
    (usage analytics then miss these requests): it exists to measure what rollups cost.
    ``bill_usage=True`` also records each successful request's cost (billing's usage charges)
    in the same transaction, then calls ``on_billed`` with the cost per organization, from the
    writer's thread, after the commit (to trigger auto recharges).
    """

    def __init__(
        self,
        db: Database,
        max_batch: int = 256,
        *,
        usage_rollups: bool = True,
        bill_usage: bool = False,
        on_billed: Callable[[dict[uuid.UUID, int]], None] | None = None,
    ) -> None:
        if max_batch < 1:
            raise ValueError("max_batch must be >= 1")
        self._max_batch = max_batch
        self._on_billed = on_billed
        self._connection = BatchConnection(db, usage_rollups=usage_rollups, bill_usage=bill_usage)
        self._queue: asyncio.Queue[_Pending | object] | None = None
        self._task: asyncio.Task[None] | None = None
        self._accepting = False
        self.batches = 0
        self.entries = 0

    async def start(self) -> None:
        """Start the background writer; starting a running writer does nothing."""
        if self._task is not None and not self._task.done():
            return
        self._queue = asyncio.Queue()
        self._task = asyncio.get_running_loop().create_task(self._run())
        self._accepting = True

    async def stop(self) -> None:
        """Stop accepting entries, write every pending one, and end the background task."""
        self._accepting = False
        task, queue = self._task, self._queue
        if task is None or queue is None:
            return
        queue.put_nowait(_STOP)
        try:
            await task
        finally:
            self._task = None
            await asyncio.to_thread(self._connection.close)

    async def record(self, entry: RequestLogEntry) -> None:
        """Store ``entry``; returns once its row is committed.

        Raises ``StorageError`` if the writer is not running or the row could not be written.
        If the caller is cancelled, the entry is still written.
        """
        task, queue = self._task, self._queue
        if not self._accepting or task is None or task.done() or queue is None:
            raise StorageError("the request log writer is not running")
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        queue.put_nowait(_Pending(entry, done))
        await done

    async def _run(self) -> None:
        assert self._queue is not None
        queue = self._queue
        stopping = False
        batch: list[_Pending] = []
        try:
            while not (stopping and queue.empty()):
                item = await queue.get()
                while True:
                    if item is _STOP:
                        stopping = True
                    elif isinstance(item, _Pending):
                        batch.append(item)
                    if len(batch) >= self._max_batch or queue.empty():
                        break
                    item = queue.get_nowait()
                if batch:
                    await self._write(batch)
                    batch = []
        finally:
            # Only reached with waiters left if the task itself is cancelled.
            leftovers = batch + [i for i in _drain(queue) if isinstance(i, _Pending)]
            for pending in leftovers:
                _fail(pending, StorageError("the request log writer stopped before writing"))

    async def _write(self, batch: list[_Pending]) -> None:
        entries = [pending.entry for pending in batch]
        try:
            errors = await asyncio.to_thread(self._insert_batch, entries)
        except Exception as exc:
            logger.exception("request log batch of %d failed unexpectedly", len(batch))
            errors = [_storage_error(exc)] * len(batch)
        written = 0
        for pending, error in zip(batch, errors, strict=True):
            if error is None:
                written += 1
                if not pending.done.done():
                    pending.done.set_result(None)
            else:
                _fail(pending, error)
        self.entries += written

    def _insert_batch(self, entries: Sequence[RequestLogEntry]) -> list[StorageError | None]:
        try:
            self._insert(entries)
            return [None] * len(entries)
        except StorageError as exc:
            if len(entries) == 1 or not isinstance(exc.__cause__, IntegrityError):
                logger.warning("request log batch of %d failed: %s", len(entries), exc.__cause__)
                return [exc] * len(entries)
        results: list[StorageError | None] = []
        for entry in entries:
            try:
                self._insert([entry])
                results.append(None)
            except StorageError as exc:
                logger.warning("request log %s rejected: %s", entry.request_id, exc.__cause__)
                results.append(exc)
        return results

    def _insert(self, entries: Sequence[RequestLogEntry]) -> None:
        billed = self._connection.write(entries)
        self.batches += 1
        if billed and self._on_billed is not None:
            self._on_billed(billed)


def _storage_error(exc: BaseException) -> StorageError:
    if isinstance(exc, StorageError):
        return exc
    error = StorageError(f"request log write failed: {type(exc).__name__}")
    error.__cause__ = exc
    return error


def _fail(pending: _Pending, error: StorageError) -> None:
    if not pending.done.done():
        # A fresh exception per waiter: one instance raised in many tasks would tangle tracebacks.
        fresh = StorageError(error.message, code=error.code, param=error.param)
        fresh.__cause__ = error.__cause__
        pending.done.set_exception(fresh)


def _drain(queue: asyncio.Queue[_Pending | object]) -> list[_Pending | object]:
    items: list[_Pending | object] = []
    while not queue.empty():
        items.append(queue.get_nowait())
    return items

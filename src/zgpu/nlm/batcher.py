"""Dynamic batching of embedding requests in front of the int8 encoder.

One asyncio task owns a bounded queue. Callers ``await embed(texts)``; their texts are
tokenized on the caller's side and queued as one entry with a future. The batching task takes
the oldest entry, then more while the batch stays under ``max_batch_tokens`` padded tokens,
drops entries whose caller has gone (a cancelled future) before spending compute, and runs the
whole batch on a dedicated executor thread, never on the event loop. The encoder sorts the
rows by length and runs each length bucket separately, so padding stays small and a row's
bytes do not depend on its batch mates (see ``zgpu.nlm.encoder``).

A full queue raises ``Overloaded`` at once, with a retry delay estimated from the queued work
and the measured throughput, instead of making callers wait without bound.

``BlockingEncoder`` adapts a batcher to the synchronous ``TextEncoder`` protocol for task code
that runs in worker threads: its ``embed`` submits to the batcher's loop and waits.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections import deque
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from zgpu.nlm.errors import InferenceError, Overloaded

FloatArray = NDArray[np.float32]


class PieceEncoder(Protocol):
    """What the batcher needs from an encoder (``zgpu.nlm.encoder.Encoder`` fits)."""

    @property
    def dim(self) -> int:
        """Size of an embedding."""
        ...

    @property
    def max_tokens(self) -> int:
        """The longest input, in word pieces, that is read in full."""
        ...

    def encode(self, texts: Sequence[str]) -> list[list[int]]:
        """Word-piece ids of each text, cut to ``max_tokens``."""
        ...

    def padded_length(self, tokens: int) -> int:
        """The padded sequence length a text of ``tokens`` pieces runs at."""
        ...

    def embed_pieces(self, pieces: Sequence[Sequence[int]]) -> FloatArray:
        """Embed pre-tokenized texts; rows independent of each other."""
        ...

    def count_tokens(self, text: str) -> int:
        """Number of word pieces in ``text``."""
        ...

    def truncate(self, text: str, max_tokens: int) -> tuple[str, int]:
        """The longest prefix of ``text`` with at most ``max_tokens`` pieces."""
        ...


@dataclass(frozen=True)
class BatcherConfig:
    """Limits of an ``EmbeddingBatcher``."""

    max_batch_tokens: int = 8192
    """Padded tokens per batch (an entry larger than this runs alone)."""
    max_queue: int = 128
    """Entries (embedding requests) waiting at most; one more raises ``Overloaded``."""
    min_retry_after_s: float = 0.05
    max_retry_after_s: float = 5.0


@dataclass(frozen=True)
class StageTimings:
    """Where one request's time went, in seconds, and the batch it ran in."""

    queue_s: float
    compute_s: float
    batch_rows: int
    batch_tokens: int


@dataclass(frozen=True)
class BatcherStats:
    """Cumulative counters since the batcher started (for metrics)."""

    batches: int
    rows: int
    padded_tokens: int
    dropped: int
    rejected: int
    queue_s: float
    compute_s: float


@dataclass
class _Entry:
    pieces: list[list[int]]
    tokens: int
    future: asyncio.Future[tuple[FloatArray, StageTimings]]
    enqueued: float = field(default_factory=time.perf_counter)


@dataclass
class _Counters:
    batches: int = 0
    rows: int = 0
    padded_tokens: int = 0
    dropped: int = 0
    rejected: int = 0
    queue_s: float = 0.0
    compute_s: float = 0.0
    tokens_per_s: float = 0.0


class EmbeddingBatcher:
    """Groups concurrent ``embed`` calls into encoder batches (see the module docstring).

    Create it inside a running event loop (``start``), use it from that loop, and ``close``
    it there. ``BlockingEncoder`` serves callers on other threads.
    """

    def __init__(
        self,
        encoder: PieceEncoder,
        config: BatcherConfig | None = None,
        *,
        executor: ThreadPoolExecutor | None = None,
    ) -> None:
        """Batch for ``encoder``; ONNX work runs on ``executor`` (default: a private thread)."""
        self.config = config or BatcherConfig()
        if self.config.max_batch_tokens < 1 or self.config.max_queue < 1:
            raise ValueError("max_batch_tokens and max_queue must be positive")
        self._encoder = encoder
        self._own_executor = executor is None
        self._executor = executor or ThreadPoolExecutor(1, thread_name_prefix="nlm-batch")
        self._queue: deque[_Entry] = deque()
        self._queued_tokens = 0
        self._wake = asyncio.Event()
        self._counters = _Counters()
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closed = False

    @property
    def encoder(self) -> PieceEncoder:
        """The encoder the batches run on."""
        return self._encoder

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        """The event loop the batcher runs on; raises ``RuntimeError`` before ``start``."""
        if self._loop is None:
            raise RuntimeError("the batcher has not been started")
        return self._loop

    def start(self) -> None:
        """Start the batching task on the running loop (idempotent)."""
        if self._task is None:
            self._loop = asyncio.get_running_loop()
            self._task = self._loop.create_task(self._serve(), name="nlm-embedding-batcher")

    async def close(self) -> None:
        """Stop batching; queued callers get ``InferenceError``. Idempotent."""
        self._closed = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        while self._queue:
            entry = self._queue.popleft()
            if not entry.future.done():
                entry.future.set_exception(InferenceError("the embedding batcher was closed"))
        if self._own_executor:
            self._executor.shutdown(wait=True)

    def stats(self) -> BatcherStats:
        """The cumulative counters."""
        c = self._counters
        return BatcherStats(
            c.batches, c.rows, c.padded_tokens, c.dropped, c.rejected, c.queue_s, c.compute_s
        )

    async def embed(self, texts: Sequence[str]) -> tuple[FloatArray, StageTimings]:
        """Embed ``texts`` in a shared batch: the rows (as ``encoder.embed``) and timings.

        Raises ``Overloaded`` when the queue is full, ``InferenceError`` if the encoder
        fails or the batcher is closed, ``RuntimeError`` before ``start``.
        """
        if isinstance(texts, str):
            raise TypeError("embed takes a sequence of texts, not a single string")
        return await self.embed_pieces(self._encoder.encode(texts))

    async def embed_pieces(
        self, pieces: Sequence[Sequence[int]]
    ) -> tuple[FloatArray, StageTimings]:
        """Like ``embed`` for pre-tokenized texts."""
        if self._task is None or self._closed:
            raise RuntimeError("the batcher is not running")
        if not pieces:
            return np.zeros((0, self._encoder.dim), np.float32), StageTimings(0.0, 0.0, 0, 0)
        if len(self._queue) >= self.config.max_queue:
            self._counters.rejected += 1
            raise Overloaded(
                "the embedding queue is full; retry shortly",
                retry_after_s=self._retry_after(),
            )
        rows = [list(p) for p in pieces]
        tokens = sum(self._encoder.padded_length(len(p)) for p in rows)
        future: asyncio.Future[tuple[FloatArray, StageTimings]] = self.loop.create_future()
        self._queue.append(_Entry(rows, tokens, future))
        self._queued_tokens += tokens
        self._wake.set()
        return await future

    def _retry_after(self) -> float:
        rate = self._counters.tokens_per_s
        estimate = self._queued_tokens / rate if rate > 0 else self.config.max_retry_after_s
        return min(max(estimate, self.config.min_retry_after_s), self.config.max_retry_after_s)

    def _take_batch(self) -> list[_Entry]:
        """Pop live entries, oldest first, while the batch fits the token budget."""
        batch: list[_Entry] = []
        budget = self.config.max_batch_tokens
        while self._queue:
            entry = self._queue[0]
            if entry.future.done():  # the caller has gone: no compute for it
                self._queue.popleft()
                self._queued_tokens -= entry.tokens
                self._counters.dropped += 1
                continue
            if batch and entry.tokens > budget:
                break
            self._queue.popleft()
            self._queued_tokens -= entry.tokens
            budget -= entry.tokens
            batch.append(entry)
        return batch

    async def _serve(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await self._wake.wait()
            self._wake.clear()
            while batch := self._take_batch():
                await self._run_batch(loop, batch)

    async def _run_batch(self, loop: asyncio.AbstractEventLoop, batch: list[_Entry]) -> None:
        pieces = [p for entry in batch for p in entry.pieces]
        tokens = sum(entry.tokens for entry in batch)
        started = time.perf_counter()
        try:
            rows = await loop.run_in_executor(self._executor, self._encoder.embed_pieces, pieces)
        except Exception as exc:  # the encoder raises InferenceError; anything else is a bug
            error = exc if isinstance(exc, InferenceError) else InferenceError(str(exc))
            for entry in batch:
                if not entry.future.done():
                    entry.future.set_exception(error)
            return
        compute = time.perf_counter() - started
        c = self._counters
        c.batches += 1
        c.rows += len(pieces)
        c.padded_tokens += tokens
        c.compute_s += compute
        rate = tokens / compute if compute > 0 else 0.0
        c.tokens_per_s = rate if c.tokens_per_s == 0 else 0.8 * c.tokens_per_s + 0.2 * rate
        offset = 0
        for entry in batch:
            count = len(entry.pieces)
            queue_s = started - entry.enqueued
            c.queue_s += queue_s
            if not entry.future.done():
                timings = StageTimings(queue_s, compute, len(pieces), tokens)
                entry.future.set_result((rows[offset : offset + count], timings))
            offset += count


class BlockingEncoder:
    """A ``TextEncoder`` for worker threads that embeds through an ``EmbeddingBatcher``.

    ``embed`` blocks its thread until the batch that holds its texts has run; it must not be
    called on the batcher's event loop thread (``RuntimeError``). Per-thread stage timings of
    the calls since ``reset_timings`` are kept for metrics.
    """

    def __init__(self, batcher: EmbeddingBatcher) -> None:
        """Wrap a started batcher."""
        self._batcher = batcher
        self._local = threading.local()

    @property
    def max_tokens(self) -> int:
        """The longest input, in word pieces, that ``embed`` reads in full."""
        return self._batcher.encoder.max_tokens

    def count_tokens(self, text: str) -> int:
        """Number of word pieces in ``text``."""
        return self._batcher.encoder.count_tokens(text)

    def truncate(self, text: str, max_tokens: int) -> tuple[str, int]:
        """The longest prefix of ``text`` with at most ``max_tokens`` pieces, and its count."""
        return self._batcher.encoder.truncate(text, max_tokens)

    def reset_timings(self) -> None:
        """Forget this thread's accumulated timings."""
        self._local.queue_s = 0.0
        self._local.compute_s = 0.0

    def timings(self) -> tuple[float, float]:
        """This thread's (queue seconds, compute seconds) since ``reset_timings``."""
        return getattr(self._local, "queue_s", 0.0), getattr(self._local, "compute_s", 0.0)

    def embed(self, texts: Sequence[str]) -> FloatArray:
        """Embed through the batcher; same rows as the encoder's own ``embed``.

        Raises what ``EmbeddingBatcher.embed`` raises, and ``RuntimeError`` on the loop thread.
        """
        loop = self._batcher.loop
        try:
            running: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            raise RuntimeError("BlockingEncoder.embed would block the batcher's own loop")
        if isinstance(texts, str):
            raise TypeError("embed takes a sequence of texts, not a single string")
        if not texts:
            return np.zeros((0, self._batcher.encoder.dim), np.float32)
        pieces = self._batcher.encoder.encode(texts)  # tokenize here, not on the loop
        pending = asyncio.run_coroutine_threadsafe(self._batcher.embed_pieces(pieces), loop)
        rows, timings = pending.result()
        queue_s, compute_s = self.timings()
        self._local.queue_s = queue_s + timings.queue_s
        self._local.compute_s = compute_s + timings.compute_s
        return rows


class BatcherThread:
    """An ``EmbeddingBatcher`` on its own event loop thread, for synchronous owners.

    The runtime is built and closed outside any event loop and serves callers on several
    loops, so the batcher gets a private loop: ``encoder`` (a ``BlockingEncoder``) submits to
    it from any thread, and ``close`` stops it.
    """

    def __init__(self, encoder: PieceEncoder, config: BatcherConfig | None = None) -> None:
        """Start the loop thread and the batching task on it."""
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="nlm-batcher-loop", daemon=True
        )
        self._thread.start()
        self.batcher = EmbeddingBatcher(encoder, config)

        async def start() -> None:
            self.batcher.start()

        asyncio.run_coroutine_threadsafe(start(), self._loop).result()
        self.encoder = BlockingEncoder(self.batcher)

    def close(self) -> None:
        """Stop the batcher (queued callers get ``InferenceError``) and the loop thread."""
        if self._loop.is_closed():
            return
        asyncio.run_coroutine_threadsafe(self.batcher.close(), self._loop).result()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()

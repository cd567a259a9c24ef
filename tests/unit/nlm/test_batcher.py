"""The dynamic batcher: same rows as the encoder, bounded queue, dropped callers, timings."""

from __future__ import annotations

import asyncio
import threading

import numpy as np
import pytest

from zgpu.nlm.batcher import BatcherConfig, BatcherThread, BlockingEncoder, EmbeddingBatcher
from zgpu.nlm.encoder import Encoder
from zgpu.nlm.errors import InferenceError, Overloaded

TEXTS = (
    "A man is eating food.",
    "The team lost the final on penalties after a goalless draw.",
    "ok",
    "Winter storms left thousands without power across the Midwest, and schools closed.",
)


async def test_concurrent_callers_get_the_encoders_rows(encoder: Encoder) -> None:
    batcher = EmbeddingBatcher(encoder)
    batcher.start()
    try:
        calls = [batcher.embed([t, TEXTS[(i + 1) % len(TEXTS)]]) for i, t in enumerate(TEXTS)]
        results = await asyncio.gather(*calls)
    finally:
        await batcher.close()
    for i, (rows, timings) in enumerate(results):
        expected = encoder.embed([TEXTS[i], TEXTS[(i + 1) % len(TEXTS)]])
        assert rows.tobytes() == expected.tobytes()
        assert timings.compute_s > 0
        assert timings.queue_s >= 0
        assert timings.batch_rows >= 2
    stats = batcher.stats()
    assert stats.rows == 2 * len(TEXTS)
    assert stats.batches < len(TEXTS)  # callers shared batches


async def test_a_full_queue_rejects_with_a_retry_delay(encoder: Encoder) -> None:
    batcher = EmbeddingBatcher(encoder, BatcherConfig(max_queue=1))
    batcher.start()
    try:
        results = await asyncio.gather(*(batcher.embed([t]) for t in TEXTS), return_exceptions=True)
    finally:
        await batcher.close()
    rejected = [r for r in results if isinstance(r, Overloaded)]
    assert rejected
    assert len(rejected) < len(TEXTS)
    assert all(r.retry_after_s is not None and r.retry_after_s > 0 for r in rejected)
    assert batcher.stats().rejected == len(rejected)


async def test_callers_who_left_are_dropped_before_compute(encoder: Encoder) -> None:
    batcher = EmbeddingBatcher(encoder)
    batcher.start()
    try:
        gone = asyncio.create_task(batcher.embed([TEXTS[0]]))
        await asyncio.sleep(0)  # queued, not yet taken
        gone.cancel()
        rows, _ = await batcher.embed([TEXTS[1]])
    finally:
        await batcher.close()
    assert gone.cancelled()
    stats = batcher.stats()
    assert stats.dropped == 1
    assert stats.rows == 1
    assert rows.tobytes() == encoder.embed([TEXTS[1]]).tobytes()


async def test_batches_respect_the_token_budget(encoder: Encoder) -> None:
    batcher = EmbeddingBatcher(encoder, BatcherConfig(max_batch_tokens=32))
    batcher.start()
    try:
        results = await asyncio.gather(*(batcher.embed([f"word {i}"]) for i in range(6)))
    finally:
        await batcher.close()
    assert all(timings.batch_tokens <= 32 for _, timings in results)
    assert batcher.stats().batches >= 3  # 16 padded tokens each, two per batch at most


async def test_closed_batcher_refuses_work(encoder: Encoder) -> None:
    batcher = EmbeddingBatcher(encoder)
    batcher.start()
    await batcher.close()
    with pytest.raises(RuntimeError):
        await batcher.embed(["late"])


def test_blocking_encoder_serves_threads(encoder: Encoder) -> None:
    owner = BatcherThread(encoder)
    results: dict[int, bytes] = {}
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            results[i] = owner.encoder.embed([TEXTS[i]]).tobytes()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(TEXTS))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert owner.encoder.embed([]).shape == (0, encoder.dim)
    queue_s, compute_s = owner.encoder.timings()
    owner.close()
    assert not errors
    for i, text in enumerate(TEXTS):
        assert results[i] == encoder.embed([text]).tobytes()
    assert compute_s >= 0
    assert queue_s >= 0
    assert owner.batcher.stats().rows == len(TEXTS)
    owner.close()  # idempotent


async def test_blocking_encoder_refuses_its_own_loop(encoder: Encoder) -> None:
    batcher = EmbeddingBatcher(encoder)
    batcher.start()
    try:
        with pytest.raises(RuntimeError):
            BlockingEncoder(batcher).embed(["x"])
    finally:
        await batcher.close()


async def test_encoder_failures_reach_every_caller(encoder: Encoder) -> None:
    batcher = EmbeddingBatcher(encoder)
    batcher.start()
    try:
        with pytest.raises(InferenceError):
            await batcher.embed_pieces([[10**9]])  # an id outside the vocabulary
        rows, _ = await batcher.embed([TEXTS[0]])  # the batcher survives
    finally:
        await batcher.close()
    assert np.array_equal(rows, encoder.embed([TEXTS[0]]))

"""Same input → byte-identical embedding alone or in any batch, at 1 or 2 threads, 1,000 times.

The texts are short (one or two length buckets) so that 1,000 repetitions stay quick. Each
repetition draws a batch composition (size, mates, order) and a thread count, runs the batch
either directly or through the dynamic batcher, and compares every row with the text's row
computed alone on one thread.
"""

from __future__ import annotations

import random

import numpy as np
import pytest

from zgpu.nlm.batcher import BatcherThread
from zgpu.nlm.build import EncoderArtifact
from zgpu.nlm.encoder import Encoder

REPETITIONS = 1000
MAX_BATCH = 4


@pytest.fixture(scope="module")
def encoder2(encoder_artifact: EncoderArtifact) -> Encoder:
    return Encoder.load(encoder_artifact, threads=2)


def _short(texts: tuple[str, ...]) -> list[str]:
    return [t for t in texts if len(t) <= 60]


def test_rows_never_depend_on_batch_mates_or_threads(
    encoder: Encoder, encoder2: Encoder, eval_texts: tuple[str, ...]
) -> None:
    texts = _short(eval_texts)
    alone = {t: encoder.embed([t])[0].tobytes() for t in texts}
    batched = BatcherThread(encoder2)
    rng = random.Random(20261126)
    mismatches: list[tuple[int, str]] = []
    try:
        for rep in range(REPETITIONS):
            batch = rng.sample(texts, rng.randint(1, MAX_BATCH))
            route = rep % 3
            if route == 0:
                rows = encoder.embed(batch)
            elif route == 1:
                rows = encoder2.embed(batch)
            else:
                rows = batched.encoder.embed(batch)
            mismatches += [(rep, t) for i, t in enumerate(batch) if rows[i].tobytes() != alone[t]]
    finally:
        batched.close()
    assert not mismatches, f"{len(mismatches)} rows differed, first: {mismatches[:3]}"


def test_padding_mates_of_other_lengths_change_nothing(
    encoder: Encoder, encoder2: Encoder, eval_texts: tuple[str, ...]
) -> None:
    long = [t for t in eval_texts if len(t) > 200]
    short = _short(eval_texts)[:5]
    for text in short:
        expected = encoder.embed([text])[0]
        for mates in ([], long[:1], long):
            rows = encoder2.embed([*mates, text, *reversed(mates)])
            assert np.array_equal(rows[len(mates)], expected)

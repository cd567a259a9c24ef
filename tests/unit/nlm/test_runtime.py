"""The runtime end to end on the real models: cascade, summaries, concurrency, admission.

Loading distils the static token table once per artifact directory (about a minute the first
time; ``$ZGPU_TEST_ARTIFACTS`` keeps it between runs).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from threadpoolctl import threadpool_info  # type: ignore[import-untyped]

from zgpu.nlm.errors import Overloaded, UnknownModel
from zgpu.nlm.registry import ModelRegistry
from zgpu.nlm.runtime import Runtime, RuntimeConfig, Stage

IAB = "zlm-v1-iab-classify-cloud"
SUMMARY = "zlm-v1-summary-cloud"
BENCH_DATA = Path(__file__).resolve().parents[3] / "bench" / "data"


@pytest.fixture(scope="module")
def runtime(artifact_dir: Path) -> Iterator[Runtime]:
    loaded = Runtime.load(RuntimeConfig(model_dir=artifact_dir), ModelRegistry())
    yield loaded
    loaded.close()


@pytest.fixture(scope="module")
def paragraph() -> str:
    return (BENCH_DATA / "paragraph_250.txt").read_text(encoding="utf-8")


async def test_concurrent_requests_match_sequential_ones(runtime: Runtime, paragraph: str) -> None:
    texts = [paragraph, "The team lost the final on penalties.", "", "ok 😂", "<p>Stocks fell.</p>"]
    sequential = [await runtime.run(IAB, t, None) for t in texts]
    concurrent = await asyncio.gather(*(runtime.run(IAB, t, None) for t in texts * 3))
    for i, output in enumerate(concurrent):
        assert output.text == sequential[i % len(texts)].text
    for text, output in zip(texts, sequential, strict=True):
        body = json.loads(output.text)
        assert body["content"]["iab_3_1"]
        assert body["audience"]
        assert output.stage in {Stage.STATIC.value, Stage.FULL.value}
        assert output.timings["total"] > 0
        assert output.output_tokens == runtime.window.count(output.text)
        assert output.input_tokens == runtime.window.count(text)


def test_the_cascade_threshold_picks_the_stage(runtime: Runtime, paragraph: str) -> None:
    static_only = runtime.with_config(replace(runtime.config, cascade_threshold=0.0))
    full_only = runtime.with_config(replace(runtime.config, cascade_threshold=1.01))
    static_result, static_stage = static_only.classify(paragraph)
    full_result, full_stage = full_only.classify(paragraph)
    assert (static_stage, full_stage) == (Stage.STATIC, Stage.FULL)
    assert static_result["content"]["iab_3_1"]
    assert full_result["content"]["iab_3_1"]
    assert runtime.full_encoder.stats().misses > 0  # the full stage ran through the cache


async def test_summaries_are_sentences_of_the_input(runtime: Runtime) -> None:
    article = (BENCH_DATA / "article_630.txt").read_text(encoding="utf-8")
    output = await runtime.run(SUMMARY, article, None)
    assert output.text
    assert output.stage == runtime.config.summary_stage.value
    assert output.output_tokens == runtime.window.count(output.text)
    assert (await runtime.run(SUMMARY, article, None)).text == output.text


async def test_admission_and_unknown_models(runtime: Runtime) -> None:
    full = runtime.with_config(replace(runtime.config, max_pending=0))
    with pytest.raises(Overloaded) as caught:
        await full.run(IAB, "hello", None)
    assert caught.value.retry_after_s is not None
    with pytest.raises(UnknownModel):
        await runtime.run("no-such-model", "hello", None)


def test_loading_limits_blas_to_one_thread(runtime: Runtime) -> None:
    blas = [p for p in threadpool_info() if p["user_api"] == "blas"]
    assert blas
    assert all(p["num_threads"] == runtime.config.blas_threads == 1 for p in blas)


def test_the_gate_decides_the_stage(runtime: Runtime, paragraph: str) -> None:
    texts = [paragraph, "The team lost the final on penalties.", "Stocks fell.", "ok"]
    stages = set()
    for text in texts:
        static_result, evidence = runtime.static_classifier.classify_with_evidence(text)
        confidence = runtime.static_confidence(evidence)
        assert 0.0 <= confidence <= 1.0
        for threshold in (0.0, confidence, min(1.0, confidence + 1e-6), 1.01):
            policy = runtime.with_config(replace(runtime.config, cascade_threshold=threshold))
            result, stage = policy.classify(text)
            stages.add(stage)
            expected = Stage.STATIC if confidence >= threshold else Stage.FULL
            assert stage is expected
            if stage is Stage.STATIC:
                assert result == static_result
            else:
                assert result == runtime.full_classifier.classify(text)
    assert stages == {Stage.STATIC, Stage.FULL}


def test_the_static_stage_reads_both_spaces(runtime: Runtime) -> None:
    labels = runtime.static_classifier.label_embeddings
    assert labels.shape[1] > runtime.static_encoder.dim  # static rows beside their projection
    # the static stage's top answer for a plain sports text is a sports category
    result, _ = runtime.static_classifier.classify_with_evidence(
        "The striker scored twice as the home side won the league title on the final day."
    )
    assert result["content"]["iab_3_1"][0]["tier1_name"] == "Sports"

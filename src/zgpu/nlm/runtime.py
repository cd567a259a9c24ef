"""Runs catalogue models on this machine: fit the input, run the task, count the output.

A ``Runtime`` owns two embedding stages and the task heads:

- the **static stage** (``zgpu.nlm.static``): token vectors distilled from the int8 encoder, a
  text embedded in microseconds; for IAB, each static embedding also goes through a linear
  projection into the encoder's space (``JointEncoder``), scored against both stages' labels;
- the **full stage**: the int8 encoder behind a dynamic batcher (``zgpu.nlm.batcher``), so
  concurrent requests share ONNX Runtime runs, with an LRU of rows by text in front of it.

IAB classification is a cascade: the static classifier answers when the gate's probability
that its top Content 3.1 category is right (``STATIC_GATE``) reaches
``RuntimeConfig.cascade_threshold``; otherwise the full classifier answers, reading the first
``RuntimeConfig.full_window_tokens`` of the text. Summaries embed their lead window (the first
few sentences) with ``RuntimeConfig.summary_stage`` and every sentence with the static stage
for the redundancy check.

Loading limits numpy's BLAS to ``RuntimeConfig.blas_threads`` threads for the whole process:
the runtime's products are small and run on many task threads at once, where BLAS's own
threads only contend with ONNX Runtime's and each other (a threaded 2,289 × 256 product took
13.5 ms against 0.6 ms on one thread on a busy 2-core machine).

Task code runs on threads so the event loop never blocks: the IAB window fit and static stage
on ``cpu_slots`` threads of their own (that code holds the GIL, so more threads would only take
turns), the full stage and summaries on ``parallel_runs`` task threads (they wait on the
batcher). At most ``max_pending`` requests are admitted at once, beyond that ``run`` raises
``Overloaded``. Every output is a
deterministic function of the input: each stage's embedding of a text is the same bytes alone
or in any batch, so the cascade's choice is too.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]
from tokenizers import Tokenizer

from zgpu.nlm.artifacts import ArtifactStore, sha256_bytes
from zgpu.nlm.batcher import BatcherConfig, BatcherThread
from zgpu.nlm.build import EncoderArtifact, build_encoder
from zgpu.nlm.embedding_cache import CachedEncoder
from zgpu.nlm.encoder import Encoder
from zgpu.nlm.errors import Overloaded
from zgpu.nlm.iab import Taxonomies, load_taxonomies
from zgpu.nlm.json_tokens import JsonTokenCounter
from zgpu.nlm.registry import ModelRegistry, ModelSpec, Task
from zgpu.nlm.static import (
    EMBED_VERSION,
    PROJECTION_VERSION,
    CascadeGate,
    JointEncoder,
    StaticEncoder,
    StaticSettings,
    fit_projection,
    joint_label_embeddings,
    load_static_vectors,
)
from zgpu.nlm.tasks import iab_label_texts
from zgpu.nlm.tasks.iab_calibration import Calibration
from zgpu.nlm.tasks.iab_classify import IabClassifier, TopEvidence
from zgpu.nlm.tasks.iab_result import JsonObject
from zgpu.nlm.tasks.protocols import TextEncoder
from zgpu.nlm.tasks.summarize import summarize
from zgpu.nlm.window import ContextWindow, FittedInput

Progress = Callable[[str, float], None]
FloatArray = NDArray[np.float32]

LABEL_BATCH = 64

STATIC_CALIBRATION = Calibration(score_weight=4.95, margin_weight=29.19, bias=-3.85)
"""The plain static stage's map from its top-3.1 score and margin to a probability of being
right (``static_projection=False``), fitted on the first 200 pages of the IAB development set
with ``bench/speed.py --fit-static`` (static scores have their own scale)."""

STATIC_GATE = CascadeGate(score_weight=4.95, margin_weight=29.19, cosine_weight=0.0, bias=-3.85)
"""The plain static stage's cascade gate: its calibrated probability, as before projection."""

JOINT_CALIBRATION = Calibration(score_weight=1.991, margin_weight=26.49, bias=-1.611)
"""The joint static stage's (``static_projection=True``) calibration, fitted like
``STATIC_CALIBRATION``."""

JOINT_GATE = CascadeGate(score_weight=-31.29, margin_weight=22.44, cosine_weight=38.55, bias=-3.864)
"""The joint static stage's cascade gate, fitted on the first 200 pages of the IAB
development set with ``bench/speed.py --fit-static``. At ``cascade_threshold`` 0.6 the static
stage answers 68.6% of the 541 pages and the cascade's top-1 is 79.5% (full encoder 80.4%)."""


class Stage(StrEnum):
    """Which embedding stage produced an answer."""

    STATIC = "static"
    FULL = "full"


@dataclass(frozen=True)
class TaskOutput:
    """What a model produced, with the usage to bill: processed input and produced output.

    ``timings`` (seconds) says where the time went: ``queue`` and ``compute`` in the batcher,
    ``total`` for the task; ``stage`` names the stage that answered.
    """

    text: str
    input_tokens: int
    output_tokens: int
    truncated: bool
    stage: str = ""
    timings: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class RuntimeConfig:
    """How much of the machine the runtime may use, and how it trades accuracy for speed."""

    model_dir: Path
    intra_op_threads: int = 2
    parallel_runs: int = 16
    """Task threads: requests whose task code runs at once (most wait on the batcher)."""
    cpu_slots: int = 2
    """Threads that run IAB requests' window fit and static stage. That code holds the GIL
    almost throughout, so more threads in it would only take turns on the GIL (and wake one
    another); the task threads are for work that waits on the batcher."""
    max_pending: int = 256
    """Requests admitted at once; one more raises ``Overloaded``."""
    batcher: BatcherConfig = field(default_factory=BatcherConfig)
    static: StaticSettings = field(default_factory=StaticSettings)
    cascade_threshold: float = 0.6
    """The static IAB answer stands when the gate's probability that its top 3.1 category is
    right reaches this (0: always static; above 1: always the full encoder)."""
    full_chunks: int = 1
    """Encoder windows the full IAB stage reads (1: title and lead)."""
    full_window_tokens: int | None = None
    """Word pieces per full-stage IAB window (``None``: the encoder's 256)."""
    static_projection: bool = True
    """The static IAB stage also scores a projection of its embedding into the encoder's
    space (``JointEncoder``); fixed at ``load``."""
    blas_threads: int | None = 1
    """Threads numpy's BLAS may use in this process, set at ``load`` (``None``: leave it)."""
    summary_stage: Stage = Stage.FULL
    """The stage that embeds a summary's lead window (``SummaryConfig.lead_window``); the
    redundancy check always uses the static stage. Full by default. With the four-sentence
    window the static stage cost 0.28 ROUGE-2 on the tuning part of CNN/DailyMail dev; with
    today's three it scores the same there (``bench/speed.py --accuracy-only --rouge-limit
    200``), so static is the next default to try, after a check on BBC articles."""
    sentence_cache: int = 8192
    """Rows kept by text in front of the full stage (0 disables the cache)."""


@dataclass(frozen=True)
class _Stages:
    artifact: EncoderArtifact
    static: StaticEncoder
    full: CachedEncoder
    batcher: BatcherThread
    static_classifier: IabClassifier
    full_classifier: IabClassifier
    gate: CascadeGate
    json_tokens: JsonTokenCounter


class Runtime:
    """Executes models of a ``ModelRegistry`` with the local stages (see the module docstring)."""

    def __init__(
        self,
        registry: ModelRegistry,
        window: ContextWindow,
        stages: _Stages,
        config: RuntimeConfig,
    ) -> None:
        """Use ``load``."""
        self.registry = registry
        self.window = window
        self.config = config
        self._stages = stages
        self._pool = ThreadPoolExecutor(
            max_workers=config.parallel_runs, thread_name_prefix="nlm-task"
        )
        self._cpu_pool = ThreadPoolExecutor(
            max_workers=max(config.cpu_slots, 1), thread_name_prefix="nlm-cpu"
        )
        self._pending = 0

    @classmethod
    def load(
        cls, config: RuntimeConfig, registry: ModelRegistry, progress: Progress | None = None
    ) -> Runtime:
        """Build (or reuse from the cache) every artifact and load the models.

        The first start converts and quantizes the encoder, distils the static token table
        (about a minute) and embeds the taxonomy labels in both stages; later starts find all
        of it in ``config.model_dir`` by content hash. Limits BLAS threads process-wide
        (``blas_threads``). Raises ``ArtifactError`` if an artifact cannot be built or read.
        """
        if config.blas_threads is not None:
            threadpool_limits(limits=config.blas_threads, user_api="blas")
        store = ArtifactStore(config.model_dir)
        artifact = build_encoder(store, progress=progress)
        encoder = Encoder.load(artifact, threads=config.intra_op_threads)
        vectors = load_static_vectors(store, encoder, artifact.onnx_sha256, config.static, progress)
        tokenizer = Tokenizer.from_file(str(artifact.tokenizer_path))
        static = StaticEncoder(tokenizer, vectors)
        window = ContextWindow(tokenizer, encode=static.encoding)
        taxonomies = load_taxonomies()
        full_labels = _label_embeddings(
            store, "iab-labels/" + artifact.onnx_sha256, encoder, taxonomies, progress
        )
        static_key = f"iab-static-labels/{EMBED_VERSION}/" + sha256_bytes(vectors.tobytes())
        static_labels = _label_embeddings(store, static_key, static, taxonomies, progress)
        batcher = BatcherThread(encoder, config.batcher)
        full = CachedEncoder(batcher.encoder, capacity=config.sentence_cache)
        full_classifier = IabClassifier.build(taxonomies, full, full_labels, keyword_encoder=static)
        full_classifier = full_classifier.with_config(
            replace(
                full_classifier.config,
                chunks=config.full_chunks,
                chunk_tokens=config.full_window_tokens,
            )
        )
        stage_encoder: TextEncoder = static
        stage_labels, calibration, gate = static_labels, STATIC_CALIBRATION, STATIC_GATE
        if config.static_projection:
            both = sha256_bytes(static_labels.tobytes() + full_labels.tobytes())
            projection = store.cached_array(
                f"static-projection/{PROJECTION_VERSION}/{both}",
                lambda: fit_projection(static_labels, full_labels),
            )
            stage_encoder = JointEncoder(static, projection)
            stage_labels = joint_label_embeddings(static_labels, full_labels)
            calibration, gate = JOINT_CALIBRATION, JOINT_GATE
        static_classifier = IabClassifier.build(
            taxonomies, stage_encoder, stage_labels, keyword_encoder=static
        )
        static_classifier = static_classifier.with_config(
            replace(static_classifier.config, calibration=calibration, chunks=1)
        )
        leaf_count = ContextWindow(tokenizer).count  # leaves bypass the static stage's cache
        stages = _Stages(
            artifact,
            static,
            full,
            batcher,
            static_classifier,
            full_classifier,
            gate,
            JsonTokenCounter(leaf_count),
        )
        return cls(registry, window, stages, config)

    @property
    def encoder_artifact(self) -> EncoderArtifact:
        """The int8 encoder artifact the full stage runs."""
        return self._stages.artifact

    @property
    def static_encoder(self) -> StaticEncoder:
        """The static stage."""
        return self._stages.static

    @property
    def full_encoder(self) -> CachedEncoder:
        """The full stage: the batched int8 encoder behind the row cache."""
        return self._stages.full

    @property
    def static_classifier(self) -> IabClassifier:
        """The IAB classifier of the static stage."""
        return self._stages.static_classifier

    @property
    def cascade_gate(self) -> CascadeGate:
        """The gate that decides whether the static IAB answer stands."""
        return self._stages.gate

    @property
    def full_classifier(self) -> IabClassifier:
        """The IAB classifier of the full stage."""
        return self._stages.full_classifier

    @property
    def batcher(self) -> BatcherThread:
        """The full stage's batcher (its ``batcher.stats()`` feed metrics)."""
        return self._stages.batcher

    def with_config(self, config: RuntimeConfig) -> Runtime:
        """A runtime sharing these loaded stages under another policy.

        ``cascade_threshold``, ``summary_stage``, ``max_pending``, ``parallel_runs`` and
        ``cpu_slots`` take
        effect; the other fields are fixed at ``load``. Close only the runtime that loaded.
        """
        return Runtime(self.registry, self.window, self._stages, config)

    def close(self) -> None:
        """Finish the runs in progress, then stop the task threads and the batcher."""
        self._cpu_pool.shutdown(wait=True)
        self._pool.shutdown(wait=True)
        self._stages.batcher.close()

    async def run(self, model_id: str, text: str, max_output_tokens: int | None) -> TaskOutput:
        """Run ``model_id`` on ``text``.

        Raises ``UnknownModel``; ``ContextLengthExceeded`` for models that reject over-length
        input (truncating models process only what fits their window); ``Overloaded`` when
        ``max_pending`` requests are already running or the batcher's queue is full.

        IAB classification runs its window fit and static stage on the ``cpu_slots`` threads
        and, when the gate sends it on, the full stage on a task thread; a summary runs on a
        task thread (it waits on the batcher).
        """
        spec = self.registry.get(model_id)
        if self._pending >= self.config.max_pending:
            raise Overloaded("the model runtime is at capacity; retry shortly", retry_after_s=1.0)
        self._pending += 1
        try:
            loop = asyncio.get_running_loop()
            if spec.task is Task.SUMMARIZE:
                return await loop.run_in_executor(
                    self._pool, self._summarize, spec, text, max_output_tokens
                )
            started = time.perf_counter()
            fitted, output = await loop.run_in_executor(
                self._cpu_pool, self._classify_static, spec, text, started
            )
            if output is None:
                output = await loop.run_in_executor(
                    self._pool, self._classify_full, fitted, started
                )
            return output
        finally:
            self._pending -= 1

    def _summarize(self, spec: ModelSpec, text: str, max_output_tokens: int | None) -> TaskOutput:
        started, finish = time.perf_counter(), self._timed()
        fitted = self.window.fit(spec, text)
        result = summarize(
            fitted.text, self.summary_encoder(), max_output_tokens, fast_encoder=self._stages.static
        )
        stage = self.config.summary_stage
        return self._output(fitted, result, self.window.count(result), stage, finish(started))

    def _classify_static(
        self, spec: ModelSpec, text: str, started: float
    ) -> tuple[FittedInput, TaskOutput | None]:
        """The window fit and the static stage; no output when the gate wants the full stage."""
        fitted = self.window.fit(spec, text)
        labels, evidence = self._stages.static_classifier.classify_with_evidence(fitted.text)
        if not self._static_stands(evidence):
            return fitted, None
        timings = {"queue": 0.0, "compute": 0.0, "total": time.perf_counter() - started}
        return fitted, self._labels_output(fitted, labels, Stage.STATIC, timings)

    def _classify_full(self, fitted: FittedInput, started: float) -> TaskOutput:
        finish = self._timed()
        labels = self._stages.full_classifier.classify(fitted.text)
        return self._labels_output(fitted, labels, Stage.FULL, finish(started))

    def _labels_output(
        self, fitted: FittedInput, labels: JsonObject, stage: Stage, timings: dict[str, float]
    ) -> TaskOutput:
        result = json.dumps(labels, ensure_ascii=False, separators=(",", ":"))
        return self._output(fitted, result, self._stages.json_tokens.tokens(labels), stage, timings)

    @staticmethod
    def _output(
        fitted: FittedInput,
        result: str,
        output_tokens: int,
        stage: Stage,
        timings: dict[str, float],
    ) -> TaskOutput:
        return TaskOutput(
            text=result,
            input_tokens=fitted.tokens,
            output_tokens=output_tokens,
            truncated=fitted.truncated,
            stage=stage.value,
            timings=timings,
        )

    def classify(self, text: str) -> tuple[JsonObject, Stage]:
        """The cascade on the calling thread (for benchmarks): result and stage."""
        result, evidence = self._stages.static_classifier.classify_with_evidence(text)
        if self._static_stands(evidence):
            return result, Stage.STATIC
        return self._stages.full_classifier.classify(text), Stage.FULL

    def _static_stands(self, evidence: TopEvidence) -> bool:
        return self.static_confidence(evidence) >= self.config.cascade_threshold

    def static_confidence(self, evidence: TopEvidence) -> float:
        """The gate's probability that the static stage's top 3.1 category is right."""
        return self._stages.gate.probability(evidence.score, evidence.margin, evidence.cosine)

    def summary_encoder(self) -> TextEncoder:
        """The encoder summaries embed their lead window with (``summary_stage``)."""
        if self.config.summary_stage is Stage.STATIC:
            return self._stages.static
        return self._stages.full

    def _timed(self) -> Callable[[float], dict[str, float]]:
        blocking = self._stages.batcher.encoder
        blocking.reset_timings()

        def finish(started: float) -> dict[str, float]:
            queue_s, compute_s = blocking.timings()
            return {"queue": queue_s, "compute": compute_s, "total": time.perf_counter() - started}

        return finish


def _label_embeddings(
    store: ArtifactStore,
    prefix: str,
    encoder: TextEncoder,
    taxonomies: Taxonomies,
    progress: Progress | None,
) -> FloatArray:
    """The IAB label embeddings of one stage, cached by (stage identity, label texts)."""
    labels = iab_label_texts(taxonomies)
    key = prefix + "/" + sha256_bytes("\n".join(labels).encode("utf-8"))

    def embed_labels() -> FloatArray:
        parts = []
        for start in range(0, len(labels), LABEL_BATCH):
            parts.append(encoder.embed(labels[start : start + LABEL_BATCH]))
            if progress is not None:
                progress("embedding taxonomy labels", min(1.0, (start + LABEL_BATCH) / len(labels)))
        return np.concatenate(parts)

    return store.cached_array(key, embed_labels)

"""Runs catalogue models on this machine: fit the input, run the task, count the output.

A ``Runtime`` owns the encoder and the task heads. Model work happens on a dedicated thread pool
so the event loop never blocks on ONNX Runtime; the pool's size bounds how many texts run at once.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from zgpu.nlm.artifacts import ArtifactStore, sha256_bytes
from zgpu.nlm.build import EncoderArtifact, build_encoder
from zgpu.nlm.encoder import Encoder
from zgpu.nlm.iab import load_taxonomies
from zgpu.nlm.registry import ModelRegistry, Task
from zgpu.nlm.tasks import iab_label_texts
from zgpu.nlm.tasks.iab_classify import IabClassifier
from zgpu.nlm.tasks.summarize import summarize
from zgpu.nlm.window import ContextWindow

Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class TaskOutput:
    """What a model produced, with the usage to bill: processed input and produced output."""

    text: str
    input_tokens: int
    output_tokens: int
    truncated: bool


@dataclass(frozen=True)
class RuntimeConfig:
    """How much of the machine the runtime may use."""

    model_dir: Path
    intra_op_threads: int = 1
    parallel_runs: int = 2


class Runtime:
    """Executes models of a ``ModelRegistry`` with the local encoder."""

    def __init__(
        self,
        registry: ModelRegistry,
        encoder: Encoder,
        window: ContextWindow,
        classifier: IabClassifier,
        parallel_runs: int,
    ) -> None:
        self.registry = registry
        self.window = window
        self._encoder = encoder
        self._classifier = classifier
        self._pool = ThreadPoolExecutor(max_workers=parallel_runs, thread_name_prefix="nlm")

    @classmethod
    def load(
        cls, config: RuntimeConfig, registry: ModelRegistry, progress: Progress | None = None
    ) -> Runtime:
        """Build (or reuse from the cache) every artifact and load the models.

        The first start converts and quantizes the encoder and embeds the taxonomy labels;
        later starts find both in ``config.model_dir`` by content hash.
        """
        store = ArtifactStore(config.model_dir)
        artifact = build_encoder(store, progress=progress)
        encoder = Encoder.load(artifact, threads=config.intra_op_threads)
        window = ContextWindow.from_file(artifact.tokenizer_path)
        classifier = _iab_classifier(store, artifact, encoder, progress)
        return cls(registry, encoder, window, classifier, config.parallel_runs)

    def close(self) -> None:
        """Stop the worker threads after the runs in progress."""
        self._pool.shutdown(wait=True)

    async def run(self, model_id: str, text: str, max_output_tokens: int | None) -> TaskOutput:
        """Run ``model_id`` on ``text``.

        Raises ``UnknownModel`` and ``ContextLengthExceeded`` (for models that reject
        over-length input); truncating models process only what fits their window.
        """
        spec = self.registry.get(model_id)
        fitted = self.window.fit(spec, text)
        loop = asyncio.get_running_loop()
        if spec.task is Task.SUMMARIZE:
            result = await loop.run_in_executor(
                self._pool, summarize, fitted.text, self._encoder, max_output_tokens
            )
        else:
            labels = await loop.run_in_executor(self._pool, self._classifier.classify, fitted.text)
            result = json.dumps(labels, ensure_ascii=False, separators=(",", ":"))
        return TaskOutput(
            text=result,
            input_tokens=fitted.tokens,
            output_tokens=self.window.count(result),
            truncated=fitted.truncated,
        )


LABEL_BATCH = 64


def _iab_classifier(
    store: ArtifactStore, artifact: EncoderArtifact, encoder: Encoder, progress: Progress | None
) -> IabClassifier:
    """The IAB head, with label embeddings cached by (encoder hash, label texts hash)."""
    taxonomies = load_taxonomies()
    labels = iab_label_texts(taxonomies)
    key = "iab-labels/" + sha256_bytes(
        (artifact.onnx_sha256 + "\n" + "\n".join(labels)).encode("utf-8")
    )

    def embed_labels() -> np.ndarray:
        parts = []
        for start in range(0, len(labels), LABEL_BATCH):
            parts.append(encoder.embed(labels[start : start + LABEL_BATCH]))
            if progress is not None:
                progress("embedding taxonomy labels", (start + LABEL_BATCH) / len(labels))
        return np.concatenate(parts)

    embeddings = store.cached_array(key, embed_labels)
    return IabClassifier.build(taxonomies, encoder, label_embeddings=embeddings)

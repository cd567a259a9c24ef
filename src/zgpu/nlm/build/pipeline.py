"""Build the int8 encoder artifact once and find it by recipe on every later start.

``build_encoder`` is a pure function of its recipe: the source files' sha256, the
builder version and the quantization settings. The same recipe always yields the same
bytes (so the same sha256) on any machine, and a store that already holds the result
returns it without rebuilding.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from safetensors.numpy import load_file

from zgpu.nlm.artifacts import ArtifactStore, recipe_key, sha256_file
from zgpu.nlm.build.bert_config import BertConfig
from zgpu.nlm.build.bert_onnx import WORD_EMBEDDING_GATHER, build_bert_graph
from zgpu.nlm.build.quantize import QuantSettings, quantize_encoder
from zgpu.nlm.build.source import ModelSource
from zgpu.nlm.errors import ArtifactError

BUILDER_VERSION = "2"
"""Bump whenever the graph builder or the quantizer changes what they emit."""

Progress = Callable[[str, float], None]

_ONNX = "onnx"
_TOKENIZER = "tokenizer"


@dataclass(frozen=True)
class EncoderArtifact:
    """A built encoder in an ``ArtifactStore``: the int8 ONNX model and its tokenizer."""

    onnx_path: Path
    tokenizer_path: Path
    onnx_sha256: str
    tokenizer_sha256: str
    recipe_key: str


def _silent(stage: str, fraction: float) -> None:
    del stage, fraction


def encoder_recipe(source: ModelSource, settings: QuantSettings) -> dict[str, object]:
    """The recipe whose hash names a build: source hashes, builder version, settings.

    Raises ``ArtifactError`` if a source file cannot be read.
    """
    try:
        return {
            "artifact": "encoder",
            "builder_version": BUILDER_VERSION,
            "weights_sha256": sha256_file(source.weights),
            "config_sha256": sha256_file(source.config),
            "tokenizer_sha256": sha256_file(source.tokenizer),
            "quantization": settings.recipe(),
        }
    except OSError as exc:
        raise ArtifactError(f"cannot read the model source: {exc}") from exc


def build_encoder_bytes(source: ModelSource, settings: QuantSettings) -> bytes:
    """Convert and quantize the source weights; returns the serialized int8 ONNX model.

    Raises ``ArtifactError`` if the weights or config are unreadable or not a BERT.
    """
    try:
        config = BertConfig.from_file(source.config)
        weights = load_file(str(source.weights))
        model = build_bert_graph(weights, config, producer_version=BUILDER_VERSION)
    except (OSError, ValueError, KeyError) as exc:
        raise ArtifactError(f"cannot convert {source.weights}: {exc}") from exc
    quantized = quantize_encoder(model, settings, embedding_gathers=[WORD_EMBEDDING_GATHER])
    return bytes(quantized.SerializeToString())


def build_encoder(
    store: ArtifactStore,
    progress: Progress | None = None,
    *,
    source: ModelSource | None = None,
    settings: QuantSettings | None = None,
) -> EncoderArtifact:
    """Return the encoder artifact for ``source`` (all-MiniLM-L6-v2 by default).

    On a cache hit (the store's manifest knows the recipe and both files are present)
    nothing is built. Otherwise the model is converted, quantized and stored with its
    tokenizer. The store's lock is held throughout, so concurrent starts build once.
    ``progress(stage, fraction)`` is called as the work advances (fraction in [0, 1]).

    Raises ``ArtifactError`` if the source is missing or unreadable or the store cannot
    be written.
    """
    report = progress or _silent
    settings = settings or QuantSettings()
    source = source or ModelSource.minilm()
    report("hashing model source", 0.0)
    key = recipe_key(encoder_recipe(source, settings))
    with store.locked():
        entry = store.lookup(key)
        if entry is not None:
            try:
                artifact = EncoderArtifact(
                    onnx_path=store.path_for(entry[_ONNX]),
                    tokenizer_path=store.path_for(entry[_TOKENIZER]),
                    onnx_sha256=entry[_ONNX],
                    tokenizer_sha256=entry[_TOKENIZER],
                    recipe_key=key,
                )
            except (ArtifactError, KeyError):
                pass  # incomplete entry: build again
            else:
                report("encoder found in cache", 1.0)
                return artifact
        report("converting and quantizing the encoder", 0.1)
        model_bytes = build_encoder_bytes(source, settings)
        report("storing the encoder", 0.9)
        onnx_sha = store.put_bytes(model_bytes, "onnx")
        tokenizer_sha = store.put_file(source.tokenizer, "json")
        store.record(key, {_ONNX: onnx_sha, _TOKENIZER: tokenizer_sha})
        report("encoder built", 1.0)
        return EncoderArtifact(
            onnx_path=store.path_for(onnx_sha),
            tokenizer_path=store.path_for(tokenizer_sha),
            onnx_sha256=onnx_sha,
            tokenizer_sha256=tokenizer_sha,
            recipe_key=key,
        )

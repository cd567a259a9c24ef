"""The float32 ONNX graph against the plain numpy BERT reference."""

from __future__ import annotations

import numpy as np
import onnxruntime as ort
import pytest
from numpy.typing import NDArray
from safetensors.numpy import load_file
from tokenizers import Tokenizer

from zgpu.nlm.build import ModelSource
from zgpu.nlm.build.bert_config import BertConfig
from zgpu.nlm.build.bert_onnx import (
    LAST_HIDDEN_STATE,
    SENTENCE_EMBEDDING,
    build_bert_graph,
)
from zgpu.nlm.build.reference import bert_forward, mean_pool

Weights = dict[str, NDArray[np.float32]]


@pytest.fixture(scope="module")
def source() -> ModelSource:
    return ModelSource.minilm()


@pytest.fixture(scope="module")
def weights(source: ModelSource) -> Weights:
    return load_file(str(source.weights))


@pytest.fixture(scope="module")
def config(source: ModelSource) -> BertConfig:
    return BertConfig.from_file(source.config)


@pytest.fixture(scope="module")
def model_bytes(weights: Weights, config: BertConfig) -> bytes:
    return bytes(build_bert_graph(weights, config, producer_version="test").SerializeToString())


@pytest.fixture(scope="module")
def session(model_bytes: bytes) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.log_severity_level = 3
    return ort.InferenceSession(model_bytes, options, providers=["CPUExecutionProvider"])


def _batch(source: ModelSource, texts: list[str]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    tokenizer = Tokenizer.from_file(str(source.tokenizer))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    rows = [tokenizer.encode(t).ids for t in texts]
    width = max(len(r) for r in rows)
    ids = np.zeros((len(rows), width), dtype=np.int64)
    mask = np.zeros_like(ids)
    for i, r in enumerate(rows):
        ids[i, : len(r)] = r
        mask[i, : len(r)] = 1
    return ids, mask


def test_graph_matches_numpy_reference_on_a_padded_batch(
    source: ModelSource, weights: Weights, config: BertConfig, session: ort.InferenceSession
) -> None:
    texts = [
        "A man is eating food.",
        "A man is eating a piece of bread.",
        "Global shipping rates jumped again as container ships were diverted around the Cape.",
        "ok",
    ]
    ids, mask = _batch(source, texts)
    hidden_ref = bert_forward(weights, config, ids, mask)
    pooled_ref = mean_pool(hidden_ref, mask)
    pooled, hidden = session.run(
        [SENTENCE_EMBEDDING, LAST_HIDDEN_STATE], {"input_ids": ids, "attention_mask": mask}
    )
    assert pooled.shape == (4, config.hidden_size)
    assert np.abs(pooled - pooled_ref).max() < 1e-4
    real = mask.astype(bool)
    assert np.abs(hidden[real] - hidden_ref[real]).max() < 1e-3
    np.testing.assert_allclose(np.linalg.norm(pooled, axis=1), 1.0, atol=1e-5)
    # The sentence-transformers model card's pair.
    assert float(pooled[0] @ pooled[1]) == pytest.approx(0.7553, abs=1e-3)


def test_build_is_byte_identical(weights: Weights, config: BertConfig, model_bytes: bytes) -> None:
    again = build_bert_graph(weights, config, producer_version="test").SerializeToString()
    assert again == model_bytes


def test_graph_uses_only_standard_operators(model_bytes: bytes) -> None:
    import onnx

    model = onnx.load_from_string(model_bytes)
    assert {o.domain for o in model.opset_import} == {""}
    assert all(node.domain in ("", "ai.onnx") for node in model.graph.node)
    assert [i.name for i in model.graph.input] == ["input_ids", "attention_mask"]


def test_non_bert_config_is_refused(tmp_path: object, weights: Weights) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "config.json"
    path.write_text('{"model_type": "gpt2", "hidden_act": "gelu"}', encoding="utf-8")
    with pytest.raises(ValueError, match="BERT"):
        BertConfig.from_file(path)

"""Per-token int8 quantization: accuracy against float32 and the integer graph's shape."""

from __future__ import annotations

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from safetensors.numpy import load_file

from zgpu.nlm.build import ModelSource, QuantSettings
from zgpu.nlm.build.bert_config import BertConfig
from zgpu.nlm.build.bert_onnx import WORD_EMBEDDING_GATHER, build_bert_graph
from zgpu.nlm.build.quantize import quantize_encoder, quantize_per_column, quantize_per_row
from zgpu.nlm.encoder import Encoder


@pytest.fixture(scope="module")
def float_model() -> onnx.ModelProto:
    source = ModelSource.minilm()
    weights = load_file(str(source.weights))
    return build_bert_graph(weights, BertConfig.from_file(source.config), producer_version="t")


def test_per_column_quantization_error_is_within_half_a_step() -> None:
    rng = np.random.default_rng(7)
    weight = rng.normal(size=(64, 16)).astype(np.float32)
    weight[:, 3] = 0.0
    q, scale = quantize_per_column(weight)
    assert q.dtype == np.int8
    assert scale.shape == (16,)
    assert scale[3] == 1.0
    assert np.abs(q).max() <= 127
    error = np.abs(q.astype(np.float32) * scale - weight)
    assert (error <= scale / 2 + 1e-7).all()


def test_per_row_quantization_scales_each_row() -> None:
    table = np.array([[1.0, -2.0], [0.5, 0.25]], dtype=np.float32)
    q, scale = quantize_per_row(table)
    assert scale.shape == (2, 1)
    np.testing.assert_allclose(scale[:, 0], [2.0 / 127, 0.5 / 127])
    assert q.tolist() == [[64, -127], [127, 64]]


def test_quantized_graph_has_integer_matmuls_and_no_batch_wide_scales(
    float_model: onnx.ModelProto,
) -> None:
    model = quantize_encoder(
        float_model, QuantSettings(), embedding_gathers=[WORD_EMBEDDING_GATHER]
    )
    ops = [n.op_type for n in model.graph.node]
    # 6 layers x (qkv, attn out, ffn in, ffn out), each on per-row quantized activations
    assert ops.count("MatMulIntegerToFloat") == 24
    assert ops.count("QuantizeLinear") == 24
    assert "DynamicQuantizeLinear" not in ops
    for node in model.graph.node:
        if node.op_type == "QuantizeLinear":  # one scale per row of a 2-D view, never per batch
            assert [a.i for a in node.attribute if a.name == "axis"] == [0]
    floats = {t.name for t in model.graph.initializer if t.data_type == onnx.TensorProto.FLOAT}
    weight_matmuls = [n for n in model.graph.node if n.op_type == "MatMul" and n.input[1] in floats]
    assert weight_matmuls == []
    assert model.ByteSize() < float_model.ByteSize() / 3


def test_unknown_scheme_is_refused(float_model: onnx.ModelProto) -> None:
    with pytest.raises(ValueError, match="scheme"):
        quantize_encoder(float_model, QuantSettings(scheme="nope"))


def test_int8_embeddings_stay_close_to_float32(
    float_model: onnx.ModelProto, encoder: Encoder, eval_texts: tuple[str, ...]
) -> None:
    options = ort.SessionOptions()
    options.log_severity_level = 3
    session = ort.InferenceSession(
        float_model.SerializeToString(), options, providers=["CPUExecutionProvider"]
    )
    reference = []
    for text in eval_texts:
        ids = [101, *encoder.tokenize(text)[: encoder.max_tokens], 102]
        feed = {
            "input_ids": np.array([ids], dtype=np.int64),
            "attention_mask": np.ones((1, len(ids)), dtype=np.int64),
        }
        reference.append(session.run(["sentence_embedding"], feed)[0][0])
    cosines = (encoder.embed(eval_texts) * np.stack(reference)).sum(axis=1)
    assert cosines.mean() >= 0.99
    assert cosines.min() >= 0.97

"""Turn BERT safetensors weights into a float32 ONNX graph, with pooling inside.

The graph takes ``input_ids`` and ``attention_mask`` (int64, ``[batch, seq]``, both
dynamic) and returns:

- ``sentence_embedding``: ``[batch, hidden]``, the mean over real tokens of the last
  hidden state, L2-normalised (sentence-transformers' pooling for MiniLM);
- ``last_hidden_state``: ``[batch, seq, hidden]``, for token-level work.

The builder is deterministic: node names, initializer names and their order are fixed,
and the model carries no timestamp, so the same weights always give the same bytes.
Only standard ONNX operators of opset 17 are used (``LayerNormalization`` included).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import onnx
from numpy.typing import NDArray
from onnx import TensorProto, helper, numpy_helper

from zgpu.nlm.build.bert_config import BertConfig

OPSET = 17
CONTRIB_DOMAIN = "com.microsoft"
"""ONNX Runtime's operator domain; the int8 graph (``zgpu.nlm.build.quantize``) uses it."""
INPUT_IDS = "input_ids"
ATTENTION_MASK = "attention_mask"
SENTENCE_EMBEDDING = "sentence_embedding"
LAST_HIDDEN_STATE = "last_hidden_state"
WORD_EMBEDDING_GATHER = "emb.word"
"""The node that looks up word embeddings (its table is the largest initializer)."""

FloatArray = NDArray[np.float32]

# Same additive mask as the numpy reference: exp(-1e4) is exactly 0 in float32.
_MASK_NEGATIVE = -1e4


@dataclass
class _GraphWriter:
    """Accumulates nodes and initializers in call order, under fixed names."""

    nodes: list[onnx.NodeProto] = field(default_factory=list)
    initializers: list[onnx.TensorProto] = field(default_factory=list)
    _names: set[str] = field(default_factory=set)

    def const(self, name: str, value: NDArray[np.generic]) -> str:
        """Add an initializer; its name must be new."""
        if name in self._names:
            raise ValueError(f"duplicate initializer name {name!r}")
        self._names.add(name)
        self.initializers.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def op(self, op_type: str, inputs: list[str], name: str, **attrs: Any) -> str:
        """Add a one-output node named ``name``; its output is named ``name`` too."""
        return self.op_multi(op_type, inputs, name, [name], **attrs)[0]

    def op_multi(
        self, op_type: str, inputs: list[str], name: str, outputs: list[str], **attrs: Any
    ) -> list[str]:
        """Add a node with several outputs."""
        if name in self._names:
            raise ValueError(f"duplicate node name {name!r}")
        self._names.add(name)
        self.nodes.append(helper.make_node(op_type, inputs, outputs, name=name, **attrs))
        return outputs


def _f32(value: float | list[float]) -> FloatArray:
    return np.asarray(value, dtype=np.float32)


def _i64(value: int | list[int]) -> NDArray[np.int64]:
    return np.asarray(value, dtype=np.int64)


def build_bert_graph(
    weights: Mapping[str, FloatArray], config: BertConfig, *, producer_version: str
) -> onnx.ModelProto:
    """Return the float32 ONNX model for ``weights`` (Hugging Face BERT names, no prefix).

    Dense weights are stored transposed (``[in, out]``) so each projection is a plain
    ``MatMul`` followed by a bias ``Add``; the query, key and value projections of a
    layer are one ``MatMul`` whose output is split in three.

    Raises ``KeyError`` if a weight is missing and ``ValueError`` if the hidden size is
    not divisible by the number of heads.
    """
    hidden = config.hidden_size
    heads = config.num_attention_heads
    if hidden % heads:
        raise ValueError(f"hidden size {hidden} is not divisible by {heads} heads")
    head_dim = hidden // heads
    eps = config.layer_norm_eps
    g = _GraphWriter()

    def w(name: str) -> FloatArray:
        return np.asarray(weights[name], dtype=np.float32)

    # Shared constants.
    c_start0 = g.const("const.start_0", _i64([0]))
    c_axis0 = g.const("const.axes_0", _i64([0]))
    c_axis1 = g.const("const.axes_1", _i64([1]))
    c_axis12 = g.const("const.axes_1_2", _i64([1, 2]))
    c_axis2 = g.const("const.axes_2", _i64([2]))
    c_one_f = g.const("const.one_f32", _f32(1.0))
    c_mask_neg = g.const("const.mask_negative", _f32(_MASK_NEGATIVE))
    c_split_heads = g.const("const.shape_split_heads", _i64([0, 0, heads, head_dim]))
    c_merge_heads = g.const("const.shape_merge_heads", _i64([0, 0, hidden]))
    c_qkv_split = g.const("const.qkv_split", _i64([hidden, hidden, hidden]))
    c_sqrt_head = g.const("const.sqrt_head_dim", _f32(math.sqrt(head_dim)))
    c_sqrt2 = g.const("const.sqrt2", _f32(math.sqrt(2.0)))
    c_half = g.const("const.half", _f32(0.5))
    c_count_min = g.const("const.count_min", _f32(1e-9))
    c_norm_min = g.const("const.norm_min", _f32(1e-12))

    # Embeddings: word + position + token type 0, then LayerNorm.
    word = g.const("embeddings.word", w("embeddings.word_embeddings.weight"))
    pos = g.const("embeddings.position", w("embeddings.position_embeddings.weight"))
    tok = g.const("embeddings.token_type0", w("embeddings.token_type_embeddings.weight")[0])
    ln_g = g.const("embeddings.ln.gamma", w("embeddings.LayerNorm.weight"))
    ln_b = g.const("embeddings.ln.beta", w("embeddings.LayerNorm.bias"))

    # Positions 0..seq-1 are the first rows of the position table: a Slice, not a Gather.
    seq_len = g.op("Shape", [INPUT_IDS], "emb.seq_len", start=1, end=2)
    pos_rows = g.op("Slice", [pos, c_start0, seq_len, c_axis0], "emb.pos")
    x = g.op("Gather", [word, INPUT_IDS], WORD_EMBEDDING_GATHER, axis=0)
    x = g.op("Add", [x, pos_rows], "emb.add_pos")
    x = g.op("Add", [x, tok], "emb.add_type")
    x = g.op("LayerNormalization", [x, ln_g, ln_b], "emb.ln", axis=-1, epsilon=eps)

    # Additive attention mask, [batch, 1, 1, seq]: 0 for tokens, -1e4 for padding.
    mask_f = g.op("Cast", [ATTENTION_MASK], "mask.float", to=TensorProto.FLOAT)
    inv = g.op("Sub", [c_one_f, mask_f], "mask.inverse")
    bias = g.op("Mul", [inv, c_mask_neg], "mask.scaled")
    mask_bias = g.op("Unsqueeze", [bias, c_axis12], "mask.bias")

    for i in range(config.num_hidden_layers):
        p = f"encoder.layer.{i}."
        n = f"l{i}."

        def dense(t: str, src: str, dst: str, *, layer: str = p, node: str = n) -> str:
            weight = g.const(f"{node}{dst}.weight", w(layer + src + ".weight").T)
            b = g.const(f"{node}{dst}.bias", w(layer + src + ".bias"))
            y = g.op("MatMul", [t, weight], f"{node}{dst}.matmul")
            return g.op("Add", [y, b], f"{node}{dst}.add_bias")

        # Fused QKV projection.
        qkv_w = np.concatenate(
            [w(p + f"attention.self.{k}.weight").T for k in ("query", "key", "value")], axis=1
        )
        qkv_b = np.concatenate(
            [w(p + f"attention.self.{k}.bias") for k in ("query", "key", "value")]
        )
        qkv = g.op("MatMul", [x, g.const(f"{n}qkv.weight", qkv_w)], f"{n}qkv.matmul")
        qkv = g.op("Add", [qkv, g.const(f"{n}qkv.bias", qkv_b)], f"{n}qkv.add_bias")
        q, k, v = g.op_multi(
            "Split", [qkv, c_qkv_split], f"{n}qkv.split", [f"{n}q", f"{n}k", f"{n}v"], axis=-1
        )
        q = g.op("Reshape", [q, c_split_heads], f"{n}q.heads")
        q = g.op("Transpose", [q], f"{n}q.bhsd", perm=[0, 2, 1, 3])
        k = g.op("Reshape", [k, c_split_heads], f"{n}k.heads")
        k = g.op("Transpose", [k], f"{n}k.bhds", perm=[0, 2, 3, 1])
        v = g.op("Reshape", [v, c_split_heads], f"{n}v.heads")
        v = g.op("Transpose", [v], f"{n}v.bhsd", perm=[0, 2, 1, 3])
        scores = g.op("MatMul", [q, k], f"{n}scores.matmul")
        scores = g.op("Div", [scores, c_sqrt_head], f"{n}scores.scale")
        scores = g.op("Add", [scores, mask_bias], f"{n}scores.mask")
        probs = g.op("Softmax", [scores], f"{n}probs", axis=-1)
        ctx = g.op("MatMul", [probs, v], f"{n}context.matmul")
        ctx = g.op("Transpose", [ctx], f"{n}context.bshd", perm=[0, 2, 1, 3])
        ctx = g.op("Reshape", [ctx, c_merge_heads], f"{n}context.merge")
        attn = dense(ctx, "attention.output.dense", "attn_out")
        x = g.op("Add", [attn, x], f"{n}attn.residual")
        x = g.op(
            "LayerNormalization",
            [
                x,
                g.const(f"{n}attn.ln.gamma", w(p + "attention.output.LayerNorm.weight")),
                g.const(f"{n}attn.ln.beta", w(p + "attention.output.LayerNorm.bias")),
            ],
            f"{n}attn.ln",
            axis=-1,
            epsilon=eps,
        )
        # Feed-forward with exact (erf) GELU.
        h = dense(x, "intermediate.dense", "ffn_in")
        e = g.op("Erf", [g.op("Div", [h, c_sqrt2], f"{n}gelu.div")], f"{n}gelu.erf")
        e = g.op("Add", [e, c_one_f], f"{n}gelu.add")
        h = g.op("Mul", [g.op("Mul", [h, c_half], f"{n}gelu.half"), e], f"{n}gelu.out")
        out = dense(h, "output.dense", "ffn_out")
        x = g.op("Add", [out, x], f"{n}ffn.residual")
        x = g.op(
            "LayerNormalization",
            [
                x,
                g.const(f"{n}ffn.ln.gamma", w(p + "output.LayerNorm.weight")),
                g.const(f"{n}ffn.ln.beta", w(p + "output.LayerNorm.bias")),
            ],
            f"{n}ffn.ln",
            axis=-1,
            epsilon=eps,
        )

    last = g.op("Identity", [x], LAST_HIDDEN_STATE)

    # Mean pooling over real tokens, then L2 normalisation. Both reductions are batched
    # MatMuls, so each row is reduced by the same kernel whatever the batch size (a
    # ReduceSum over [batch, seq, hidden] picks its strategy from the whole shape, which
    # would make a row's bytes depend on its batch mates). Token counts are exact.
    mask_row = g.op("Unsqueeze", [mask_f, c_axis1], "pool.mask_row")
    summed = g.op("MatMul", [mask_row, last], "pool.sum")
    counts = g.op("ReduceSum", [mask_f, c_axis1], "pool.count", keepdims=1)
    counts = g.op("Max", [counts, c_count_min], "pool.count_clip")
    counts = g.op("Unsqueeze", [counts, c_axis2], "pool.count_3d")
    pooled = g.op("Div", [summed, counts], "pool.mean")
    pooled_t = g.op("Transpose", [pooled], "pool.mean_t", perm=[0, 2, 1])
    square = g.op("MatMul", [pooled, pooled_t], "pool.square")
    norm = g.op("Max", [g.op("Sqrt", [square], "pool.norm"), c_norm_min], "pool.norm_clip")
    unit = g.op("Div", [pooled, norm], "pool.unit")
    g.op("Squeeze", [unit, c_axis1], SENTENCE_EMBEDDING)

    batch_seq: list[str | int | None] = ["batch", "sequence"]
    graph = helper.make_graph(
        g.nodes,
        "zgpu_bert_encoder",
        inputs=[
            helper.make_tensor_value_info(INPUT_IDS, TensorProto.INT64, batch_seq),
            helper.make_tensor_value_info(ATTENTION_MASK, TensorProto.INT64, batch_seq),
        ],
        outputs=[
            helper.make_tensor_value_info(SENTENCE_EMBEDDING, TensorProto.FLOAT, ["batch", hidden]),
            helper.make_tensor_value_info(
                LAST_HIDDEN_STATE, TensorProto.FLOAT, ["batch", "sequence", hidden]
            ),
        ],
        initializer=g.initializers,
    )
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", OPSET)],
        producer_name="zgpu",
        producer_version=producer_version,
    )
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    return model

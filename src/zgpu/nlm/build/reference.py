"""A plain numpy forward pass of a BERT encoder with mean pooling.

It is the yardstick the ONNX graph is checked against: written from the
architecture's definition, with no ONNX and no torch, so a mistake in the graph
builder cannot hide in both places at once.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from zgpu.nlm.build.bert_config import BertConfig

FloatArray = NDArray[np.float32]


def _layer_norm(x: FloatArray, gamma: FloatArray, beta: FloatArray, eps: float) -> FloatArray:
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return np.asarray(((x - mean) / np.sqrt(var + eps)) * gamma + beta, dtype=np.float32)


_erf = np.vectorize(math.erf, otypes=[np.float64])


def _gelu(x: FloatArray) -> FloatArray:
    """Exact (erf) GELU, as BERT defines it; slow, which is fine for a yardstick."""
    return np.asarray(0.5 * x * (1.0 + _erf(x / math.sqrt(2.0))), dtype=np.float32)


def bert_forward(
    weights: Mapping[str, FloatArray],
    config: BertConfig,
    input_ids: NDArray[np.int64],
    attention_mask: NDArray[np.int64],
) -> FloatArray:
    """Return the last hidden state, shape (batch, seq, hidden), in float32."""
    w = weights
    batch, seq = input_ids.shape
    positions = np.arange(seq)
    x = (
        w["embeddings.word_embeddings.weight"][input_ids]
        + w["embeddings.position_embeddings.weight"][positions][None, :, :]
        + w["embeddings.token_type_embeddings.weight"][0][None, None, :]
    )
    x = _layer_norm(
        x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], config.layer_norm_eps
    )
    heads = config.num_attention_heads
    head_dim = config.hidden_size // heads
    mask_bias = (1.0 - attention_mask[:, None, None, :].astype(np.float32)) * np.float32(-1e4)
    for i in range(config.num_hidden_layers):
        p = f"encoder.layer.{i}."

        def dense(t: FloatArray, name: str, prefix: str = p) -> FloatArray:
            return t @ w[prefix + name + ".weight"].T + w[prefix + name + ".bias"]

        def split(t: FloatArray) -> FloatArray:
            return t.reshape(batch, seq, heads, head_dim).transpose(0, 2, 1, 3)

        q = split(dense(x, "attention.self.query"))
        k = split(dense(x, "attention.self.key"))
        v = split(dense(x, "attention.self.value"))
        scores = q @ k.transpose(0, 1, 3, 2) / np.float32(np.sqrt(head_dim)) + mask_bias
        scores = scores - scores.max(axis=-1, keepdims=True)
        probs = np.exp(scores)
        probs = probs / probs.sum(axis=-1, keepdims=True)
        context = (probs @ v).transpose(0, 2, 1, 3).reshape(batch, seq, config.hidden_size)
        attn = dense(context, "attention.output.dense")
        x = _layer_norm(
            attn + x,
            w[p + "attention.output.LayerNorm.weight"],
            w[p + "attention.output.LayerNorm.bias"],
            config.layer_norm_eps,
        )
        inter = _gelu(dense(x, "intermediate.dense"))
        out = dense(inter, "output.dense")
        x = _layer_norm(
            out + x,
            w[p + "output.LayerNorm.weight"],
            w[p + "output.LayerNorm.bias"],
            config.layer_norm_eps,
        )
    return x.astype(np.float32)


def mean_pool(hidden: FloatArray, attention_mask: NDArray[np.int64]) -> FloatArray:
    """Mean over real tokens, then L2-normalise: sentence-transformers' pooling for MiniLM."""
    mask = attention_mask[:, :, None].astype(np.float32)
    summed = (hidden * mask).sum(axis=1)
    counts = np.clip(mask.sum(axis=1), 1e-9, None)
    pooled = summed / counts
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    return np.asarray(pooled / np.clip(norms, 1e-12, None), dtype=np.float32)

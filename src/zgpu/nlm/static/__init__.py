"""A static-embedding first stage distilled from the int8 encoder (model2vec-style)."""

from zgpu.nlm.static.encoder import DEFAULT_STATIC_MAX_TOKENS, EMBED_VERSION, StaticEncoder
from zgpu.nlm.static.gate import CascadeGate, fit_gate
from zgpu.nlm.static.joint import (
    PROJECTION_VERSION,
    JointEncoder,
    fit_projection,
    joint_label_embeddings,
)
from zgpu.nlm.static.vectors import (
    STATIC_VERSION,
    StaticSettings,
    distill_token_vectors,
    load_static_vectors,
    static_vectors_key,
)

__all__ = [
    "DEFAULT_STATIC_MAX_TOKENS",
    "EMBED_VERSION",
    "PROJECTION_VERSION",
    "STATIC_VERSION",
    "CascadeGate",
    "JointEncoder",
    "StaticEncoder",
    "StaticSettings",
    "distill_token_vectors",
    "fit_gate",
    "fit_projection",
    "joint_label_embeddings",
    "load_static_vectors",
    "static_vectors_key",
]

"""A static-embedding first stage distilled from the int8 encoder (model2vec-style)."""

from zgpu.nlm.static.encoder import DEFAULT_STATIC_MAX_TOKENS, StaticEncoder
from zgpu.nlm.static.vectors import (
    STATIC_VERSION,
    StaticSettings,
    distill_token_vectors,
    load_static_vectors,
    static_vectors_key,
)

__all__ = [
    "DEFAULT_STATIC_MAX_TOKENS",
    "STATIC_VERSION",
    "StaticEncoder",
    "StaticSettings",
    "distill_token_vectors",
    "load_static_vectors",
    "static_vectors_key",
]

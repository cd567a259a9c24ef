"""An LRU cache of embeddings by text, in front of any ``TextEncoder``.

Repeated content (the same boilerplate sentence in many articles, the same keyphrase in many
pages) is embedded once. Rows are cached only for texts of at most ``max_chars`` characters; a
hit returns the very bytes the encoder produced, so caching never changes a result.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from zgpu.nlm.tasks.protocols import TextEncoder

FloatArray = NDArray[np.float32]


@dataclass(frozen=True)
class CacheStats:
    """Lookups answered from the cache and lookups that went to the encoder."""

    hits: int
    misses: int
    size: int


class CachedEncoder:
    """A ``TextEncoder`` that remembers up to ``capacity`` rows; safe across threads."""

    def __init__(self, encoder: TextEncoder, capacity: int = 8192, max_chars: int = 1000) -> None:
        """Cache ``encoder``'s rows; raises ``ValueError`` on a negative capacity."""
        if capacity < 0 or max_chars < 0:
            raise ValueError("capacity and max_chars must not be negative")
        self._encoder = encoder
        self._capacity = capacity
        self._max_chars = max_chars
        self._rows: OrderedDict[str, FloatArray] = OrderedDict()
        self._lock = threading.Lock()
        self._hits = 0
        self._misses = 0

    @property
    def max_tokens(self) -> int:
        """The wrapped encoder's ``max_tokens``."""
        return self._encoder.max_tokens

    def count_tokens(self, text: str) -> int:
        """The wrapped encoder's token count."""
        return self._encoder.count_tokens(text)

    def truncate(self, text: str, max_tokens: int) -> tuple[str, int]:
        """The wrapped encoder's truncation."""
        return self._encoder.truncate(text, max_tokens)

    def clear(self) -> None:
        """Forget every row (the counters too)."""
        with self._lock:
            self._rows.clear()
            self._hits = self._misses = 0

    def stats(self) -> CacheStats:
        """Hits, misses and the number of rows held."""
        with self._lock:
            return CacheStats(self._hits, self._misses, len(self._rows))

    def embed(self, texts: Sequence[str]) -> FloatArray:
        """The wrapped encoder's rows for ``texts``, from the cache where possible."""
        if isinstance(texts, str):
            raise TypeError("embed takes a sequence of texts, not a single string")
        found: dict[int, FloatArray] = {}
        with self._lock:
            for i, text in enumerate(texts):
                row = self._rows.get(text)
                if row is not None:
                    self._rows.move_to_end(text)
                    found[i] = row
            self._hits += len(found)
            self._misses += len(texts) - len(found)
        missing = [i for i in range(len(texts)) if i not in found]
        fresh = self._encoder.embed([texts[i] for i in missing]) if missing else None
        if fresh is None:
            if not texts:
                return self._encoder.embed([])
            return np.stack([found[i] for i in range(len(texts))])
        out = np.empty((len(texts), fresh.shape[1]), dtype=np.float32)
        for i, row in found.items():
            out[i] = row
        out[missing] = fresh
        with self._lock:
            for j, i in enumerate(missing):
                if len(texts[i]) <= self._max_chars and self._capacity > 0:
                    self._rows[texts[i]] = fresh[j].copy()
                    self._rows.move_to_end(texts[i])
            while len(self._rows) > self._capacity:
                self._rows.popitem(last=False)
        return out

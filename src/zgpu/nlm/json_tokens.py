"""Token counts of compact JSON from its leaves, without tokenizing the whole document.

Usage bills an IAB answer's output tokens: its compact JSON (``separators=(",", ":")``, no
``ensure_ascii``) counted with the model's word-piece tokenizer. That document is mostly the same
few hundred strings again and again (keys, category names, ids), yet tokenizing it whole took
about as long as the static stage's own embedding work.

BERT's pre-tokenizer splits at whitespace and isolates every punctuation character, and every
structural character of JSON (``{ } [ ] : , "``) is ASCII punctuation. So no word piece spans a
structural character, and the count is additive: one token per structural character plus each
leaf's own count (a string counted with its JSON escapes and without its quotes, a number, true,
false or null as written). Leaf counts are kept in a bounded cache, so a repeated category name
costs a dictionary lookup.
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Callable, Mapping

DEFAULT_CAPACITY = 65_536
"""Leaves whose counts are kept; a classification holds a few hundred, mostly recurring."""


class JsonTokenCounter:
    """Counts the tokens of ``json.dumps(value, ensure_ascii=False, separators=(",", ":"))``.

    ``count`` is the tokenizer's count of a piece of text (no special tokens). The tokenizer
    must split at whitespace and isolate ASCII punctuation, as BERT's pre-tokenizer does;
    ``tests/unit/nlm/test_json_tokens.py`` checks the equality against the whole-document
    count. Safe to call from many threads.
    """

    def __init__(self, count: Callable[[str], int], capacity: int = DEFAULT_CAPACITY) -> None:
        """Raises ``ValueError`` if ``capacity`` is not positive."""
        if capacity < 1:
            raise ValueError("capacity must be positive")
        self._count = count
        self._capacity = capacity
        self._strings: dict[str, int] = {}
        self._scalars: dict[str, int] = {}
        self._lock = threading.Lock()

    def tokens(self, value: object) -> int:
        """Tokens of ``value``'s compact JSON text.

        Object keys must be strings. Raises ``TypeError`` for a value ``json.dumps`` cannot
        encode (sets, bytes, objects) or a key that is not a string, and ``ValueError`` for a
        non-finite float.
        """
        if isinstance(value, str):
            return self._string(value)
        if isinstance(value, Mapping):
            if not value:
                return 2
            return 2 * len(value) + 1 + sum(self._key(k) + self.tokens(v) for k, v in value.items())
        if isinstance(value, list | tuple):
            return len(value) + 1 + sum(self.tokens(v) for v in value) if value else 2
        return self._scalar(value)

    def _string(self, text: str) -> int:
        found = self._strings.get(text)
        if found is None:
            found = 2 + self._count(json.dumps(text, ensure_ascii=False)[1:-1])
            self._keep(self._strings, text, found)
        return found

    def _key(self, key: object) -> int:
        if not isinstance(key, str):
            raise TypeError(f"JSON object keys must be strings, not {type(key).__name__}")
        return self._string(key)

    def _scalar(self, value: object) -> int:
        if value is None or isinstance(value, bool):
            written = json.dumps(value)
        elif isinstance(value, int):
            written = int.__repr__(value)
        elif isinstance(value, float):
            if not math.isfinite(value):
                raise ValueError(f"Out of range float values are not JSON compliant: {value!r}")
            written = float.__repr__(value)
        else:
            raise TypeError(f"cannot count a JSON value of type {type(value).__name__}")
        found = self._scalars.get(written)
        if found is None:
            found = self._count(written)
            self._keep(self._scalars, written, found)
        return found

    def _keep(self, cache: dict[str, int], key: str, tokens: int) -> None:
        with self._lock:
            if len(cache) >= self._capacity:
                cache.clear()
            cache[key] = tokens

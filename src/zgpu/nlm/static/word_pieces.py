"""Word-piece ids of short phrases, assembled from a cache of their words' ids.

The IAB static stage embeds dozens of keyphrase candidates per request, mostly made of words
seen before; running the tokenizer over them cost about a millisecond a request, as much as
tokenizing the document itself. BERT's tokenizer never lets a word piece cross a space or a
punctuation mark (its pre-tokenizer splits there, and its normalizer acts on each character
alone), so a phrase's ids are its pieces' ids one after another, where a piece is a run of
letters and digits or one punctuation mark. ``WordPieces`` keeps each piece's ids, asks the
tokenizer only for pieces it has not seen, and answers only for phrases made of word
characters, apostrophes, hyphens, "&" and single spaces (what keyphrase candidates are made
of); anything else goes to the tokenizer whole.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence

from tokenizers import Tokenizer

PHRASE_CHARS = 200
"""Longer texts are documents or sentences, not phrases: the tokenizer reads them whole."""

DEFAULT_CAPACITY = 200_000
"""Pieces whose ids are kept (a vocabulary's worth); the cache starts over when full."""

_PHRASE = re.compile(r"[\w'’&-]+(?: [\w'’&-]+)*")
_PIECE = re.compile(r"[^\W_]+|[_'’&-]")


class WordPieces:
    """Ids of short phrases without running the tokenizer on them; safe from many threads."""

    def __init__(self, tokenizer: Tokenizer, capacity: int = DEFAULT_CAPACITY) -> None:
        """Tokenize unseen pieces with ``tokenizer`` (special tokens off).

        Raises ``ValueError`` if ``capacity`` is not positive.
        """
        if capacity < 1:
            raise ValueError("capacity must be positive")
        self._tokenizer = tokenizer
        self._capacity = capacity
        self._ids: dict[str, list[int]] = {}
        self._lock = threading.Lock()

    def phrase_ids(self, texts: Sequence[str]) -> list[list[int] | None]:
        """Each text's word-piece ids, or ``None`` for a text this cache does not handle.

        A handled text is at most ``PHRASE_CHARS`` characters of word characters,
        apostrophes, hyphens and "&" in words separated by single spaces; its ids are exactly
        what the tokenizer gives for it without special tokens.
        """
        split = [
            _PIECE.findall(text) if len(text) <= PHRASE_CHARS and _PHRASE.fullmatch(text) else None
            for text in texts
        ]
        known = self._ids  # a full cache is replaced, never emptied, so this view stays whole
        unseen = list(
            dict.fromkeys(p for pieces in split if pieces for p in pieces if p not in known)
        )
        fresh: dict[str, list[int]] = {}
        if unseen:
            encodings = self._tokenizer.encode_batch(unseen, add_special_tokens=False)
            fresh = {piece: e.ids for piece, e in zip(unseen, encodings, strict=True)}
            with self._lock:
                if len(self._ids) + len(fresh) > self._capacity:
                    self._ids = {}
                self._ids.update(fresh)
        return [
            None
            if pieces is None
            else [i for p in pieces for i in (fresh[p] if p in fresh else known[p])]
            for pieces in split
        ]

"""``StaticEncoder``: a text's embedding is the normalised sum of its word pieces' static vectors.

It implements the ``TextEncoder`` protocol with the same tokenizer as the int8 encoder, so token
counts and truncation agree. Embedding costs a tokenizer call (short phrases are assembled
from cached word ids instead, ``word_pieces``) and one gather-and-sum for the whole batch
(``np.add.reduceat``): microseconds per short text. A row depends only on its own ids
(each text's vectors are summed over their own segment), so a text's embedding is the same bytes
in any call; recent documents' rows are kept and handed back as they were computed.
"""

from __future__ import annotations

import itertools
import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from tokenizers import Encoding, Tokenizer

from zgpu.nlm.encoder import truncate_to_tokens
from zgpu.nlm.static.word_pieces import WordPieces

EMBED_VERSION = "2"
"""Changes when ``StaticEncoder.embed``'s arithmetic changes (2: one ``reduceat`` per batch),
so embeddings cached by an earlier version are not mixed with this one's."""

DEFAULT_STATIC_MAX_TOKENS = 512
"""Static embeddings are cheap, so they read further into a text than the encoder."""

ENCODING_CACHE = 256
"""Recent texts whose tokenization is kept: a task asks for the same text's tokens several
times (cut to a window, count, embed), and tokenizing dominates the static stage's cost."""

CACHED_TEXT_CHARS = 50_000
"""Longer texts are not kept: an over-length request is cut before the stage reads it (so its
own tokenization is never asked for again), and 256 of them would hold gigabytes."""

DOCUMENT_CACHE = 32
"""Recent documents (texts of at least ``DOCUMENT_TOKENS`` pieces) whose rows are kept: the IAB
static stage embeds a document twice (its joint vector, then the keyphrase ranking's)."""

DOCUMENT_TOKENS = 64

_TINY = np.float32(1e-12)


class StaticEncoder:
    """Embeds texts with a static token table; safe to call from many threads."""

    def __init__(
        self,
        tokenizer: Tokenizer,
        vectors: NDArray[np.float32],
        *,
        max_tokens: int = DEFAULT_STATIC_MAX_TOKENS,
    ) -> None:
        """Use ``vectors`` (one row per token id) with ``tokenizer``.

        Raises ``ValueError`` if the table is not 2-D, has fewer rows than the tokenizer's
        vocabulary, is not finite, or ``max_tokens`` is not positive.
        """
        if max_tokens < 1:
            raise ValueError("max_tokens must be positive")
        if vectors.ndim != 2 or vectors.shape[0] < tokenizer.get_vocab_size(True):
            raise ValueError(f"the static table has shape {vectors.shape}; it needs one row per id")
        if not np.all(np.isfinite(vectors)):
            raise ValueError("the static table contains NaN or infinity")
        tokenizer.no_padding()
        tokenizer.no_truncation()
        table = np.ascontiguousarray(vectors, dtype=np.float32)
        table.setflags(write=False)
        self._tokenizer = tokenizer
        self._vectors = table
        self._max_tokens = max_tokens
        self._encodings: OrderedDict[str, Encoding] = OrderedDict()
        self._phrases = WordPieces(tokenizer)
        self._documents: OrderedDict[str, NDArray[np.float32]] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def dim(self) -> int:
        """Size of an embedding."""
        return int(self._vectors.shape[1])

    @property
    def max_tokens(self) -> int:
        """The longest input, in word pieces, that ``embed`` reads in full."""
        return self._max_tokens

    def _encode(self, texts: Sequence[str]) -> list[Encoding]:
        """Tokenizations of ``texts``, from the small cache where possible."""
        found: dict[int, Encoding] = {}
        with self._lock:
            for i, text in enumerate(texts):
                hit = self._encodings.get(text)
                if hit is not None:
                    self._encodings.move_to_end(text)
                    found[i] = hit
        missing = [i for i in range(len(texts)) if i not in found]
        if missing:
            fresh = self._tokenizer.encode_batch(
                [texts[i] for i in missing], add_special_tokens=False
            )
            with self._lock:
                for i, encoding in zip(missing, fresh, strict=True):
                    found[i] = encoding
                    if len(texts[i]) <= CACHED_TEXT_CHARS:
                        self._encodings[texts[i]] = encoding
                while len(self._encodings) > ENCODING_CACHE:
                    self._encodings.popitem(last=False)
        return [found[i] for i in range(len(texts))]

    def encoding(self, text: str) -> Encoding:
        """The tokenization of ``text`` without special tokens, from the cache when recent.

        The runtime's ``ContextWindow`` counts through this, so the text a request fits into
        its window is tokenized once for the window and the static stage together.
        """
        return self._encode([text])[0]

    def count_tokens(self, text: str) -> int:
        """Number of word pieces in ``text``, without ``[CLS]``/``[SEP]``."""
        return len(self._encode([text])[0].ids)

    def truncate(self, text: str, max_tokens: int) -> tuple[str, int]:
        """The longest prefix of ``text`` with at most ``max_tokens`` pieces, and its count.

        Raises ``ValueError`` if ``max_tokens`` is negative.
        """
        if max_tokens < 0:
            raise ValueError("max_tokens must not be negative")
        count = len(self._encode([text])[0].ids)
        if count <= max_tokens:
            return text, count
        return truncate_to_tokens(self._tokenizer, text, max_tokens)

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """Embed ``texts``: float32 ``(len(texts), dim)``, rows L2-normalised.

        A text with no word piece (empty, whitespace) gets the zero vector. Texts longer
        than ``max_tokens`` pieces are embedded from their first ``max_tokens``. Raises
        ``TypeError`` if given a single string.
        """
        if isinstance(texts, str):
            raise TypeError("embed takes a sequence of texts, not a single string")
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        phrases = self._phrases.phrase_ids(texts)
        others = [text for text, ids in zip(texts, phrases, strict=True) if ids is None]
        encoded = iter(self._encode(others))
        pieces = [
            (ids if ids is not None else next(encoded).ids)[: self._max_tokens] for ids in phrases
        ]
        with self._lock:
            known = {i: self._documents.get(text) for i, text in enumerate(texts)}
        for i, found in known.items():
            if found is not None:
                out[i] = found
                pieces[i] = []
        rows = [row for row, ids in enumerate(pieces) if ids]
        if not rows:
            return out
        lengths = np.array([len(pieces[row]) for row in rows], dtype=np.intp)
        starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        gathered = self._vectors[np.fromiter(itertools.chain.from_iterable(pieces), np.intp)]
        totals = np.add.reduceat(gathered, starts, axis=0, dtype=np.float32)
        squares = np.array([np.dot(total, total) for total in totals], dtype=np.float32)
        out[rows] = totals / np.maximum(np.sqrt(squares), _TINY)[:, None]
        documents = [i for i in rows if len(pieces[i]) >= DOCUMENT_TOKENS]
        if documents:
            with self._lock:
                for i in documents:
                    self._documents[texts[i]] = out[i].copy()
                while len(self._documents) > DOCUMENT_CACHE:
                    self._documents.popitem(last=False)
        return out

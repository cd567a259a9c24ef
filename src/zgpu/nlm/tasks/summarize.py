"""Extractive summarization: the sentences that carry the text, in their original order.

1. The input is reduced to plain text (HTML tags stripped) and split into sentences
   (``sentences.split_sentences``); at most ``MAX_SENTENCES`` from the start are considered.
2. Each sentence is embedded once. Its salience combines centrality (cosine to the document
   centroid and mean cosine to the other sentences), a lead bias that decays with position (news
   puts the key facts first), a penalty for sentences that open with a dangling pronoun or
   connective or a quote fragment, and a penalty for very short fragments such as headings.
3. Sentences are ranked by maximal marginal relevance, so a near-duplicate of a chosen sentence
   is passed over; the summary length follows the input (``summary_length``).
4. With ``max_output_tokens``, the lowest-ranked sentences are dropped until the summary fits;
   a single sentence that is still too long is cut at a word boundary and ends with "…".

The chosen sentences are returned in document order, joined by single spaces.
"""

from __future__ import annotations

import re

import numpy as np
from numpy.typing import NDArray

from zgpu.nlm.tasks.plain_text import to_plain_text
from zgpu.nlm.tasks.protocols import TextEncoder
from zgpu.nlm.tasks.scoring import mmr_select
from zgpu.nlm.tasks.sentences import split_sentences

MAX_SENTENCES = 300
ELLIPSIS = "…"

CENTROID_WEIGHT = 0.5
DEGREE_WEIGHT = 0.5
LEAD_WEIGHT = 0.35
LEAD_DECAY = 4.0
DANGLING_PENALTY = 0.04
FRAGMENT_PENALTY = 0.15
FRAGMENT_WORDS = 6
REDUNDANCY = 0.3

_DANGLING = re.compile(
    r"^(?:[\"'”’]?\s*)(?:he|she|it|they|them|this|these|those|that|his|her|hers|their|its|"
    r"but|and|or|so|also|however|then|still|yet|meanwhile|there|such|both|here)\b",
    re.IGNORECASE,
)
_FRAGMENT_START = re.compile(r"^(?:[a-z]|[”’)\]…—–-]|\.\.\.)")


def summary_length(sentence_count: int) -> int:
    """How many sentences to keep: about a quarter of them, at least 1, capped.

    The cap is 3 up to 40 sentences (a news article gives 3), 4 up to 80 and 5 beyond.
    """
    cap = 3 if sentence_count <= 40 else 4 if sentence_count <= 80 else 5
    return max(1, min(cap, int(0.25 * sentence_count + 0.5)))


def _embed_unique(sentences: list[str], encoder: TextEncoder) -> NDArray[np.float32]:
    unique = list(dict.fromkeys(sentences))
    rows = encoder.embed(unique)
    index = {text: i for i, text in enumerate(unique)}
    picked: NDArray[np.float32] = rows[[index[s] for s in sentences]]
    return picked


def _salience(sentences: list[str], embeddings: NDArray[np.float32]) -> NDArray[np.float32]:
    count = len(sentences)
    centroid = embeddings.mean(axis=0)
    centroid /= max(float(np.linalg.norm(centroid)), 1e-12)
    to_centroid = embeddings @ centroid
    similarity = embeddings @ embeddings.T
    degree = (similarity.sum(axis=1) - np.diag(similarity)) / max(count - 1, 1)
    position = np.exp(-np.arange(count, dtype=np.float32) / LEAD_DECAY)
    score = CENTROID_WEIGHT * to_centroid + DEGREE_WEIGHT * degree + LEAD_WEIGHT * position
    for i, sentence in enumerate(sentences):
        if i > 0 and (_DANGLING.match(sentence) or _FRAGMENT_START.match(sentence)):
            score[i] -= DANGLING_PENALTY
        if len(sentence.split()) < FRAGMENT_WORDS:
            score[i] -= FRAGMENT_PENALTY
    result: NDArray[np.float32] = score.astype(np.float32)
    return result


def _cut(sentence: str, encoder: TextEncoder, max_tokens: int) -> str:
    """The longest word prefix of ``sentence`` that fits ``max_tokens`` with an ellipsis."""
    words = sentence.split()
    low, high = 0, len(words) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if encoder.count_tokens(" ".join(words[:middle]) + ELLIPSIS) <= max_tokens:
            low = middle
        else:
            high = middle - 1
    if low == 0:
        return ELLIPSIS if encoder.count_tokens(ELLIPSIS) <= max_tokens else ""
    return " ".join(words[:low]).rstrip(",;:") + ELLIPSIS


def _fit(
    ranked: list[int], sentences: list[str], encoder: TextEncoder, max_tokens: int | None
) -> str:
    chosen = list(ranked)
    while True:
        text = " ".join(sentences[i] for i in sorted(chosen))
        if max_tokens is None or encoder.count_tokens(text) <= max_tokens:
            return text
        if len(chosen) == 1:
            return _cut(text, encoder, max_tokens)
        chosen.pop()


def summarize(text: str, encoder: TextEncoder, max_output_tokens: int | None = None) -> str:
    """An extractive summary of ``text`` in plain text.

    The result is made of whole sentences of the input in document order, except when
    ``max_output_tokens`` (counted with ``encoder.count_tokens``) is smaller than the best
    sentence: then that sentence is cut at a word boundary and ends with "…". A text of one
    sentence (or one word) is returned as it is, subject to the same limit. Empty or
    whitespace-only input gives an empty string. Deterministic; raises only what the encoder
    raises.
    """
    plain = to_plain_text(text)
    sentences = split_sentences(plain)[:MAX_SENTENCES]
    if not sentences:
        return ""
    if len(sentences) == 1:
        return _fit([0], sentences, encoder, max_output_tokens)
    embeddings = _embed_unique(sentences, encoder)
    salience = _salience(sentences, embeddings)
    ranked = mmr_select(salience, embeddings, summary_length(len(sentences)), REDUNDANCY)
    return _fit(ranked, sentences, encoder, max_output_tokens)

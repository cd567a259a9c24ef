"""Extractive summarization: the sentences that carry the text, in their original order.

1. The input is reduced to plain text (HTML tags stripped), split into sentences
   (``sentences.split_sentences``) and cleaned of news boilerplate (``summary_cleanup``:
   datelines, bylines, credits, link lines); at most ``max_sentences`` from the start (read
   from the first ``max_chars`` characters) are kept. Each is compressed
   (``summary_compression``): parentheticals, dash asides, weekdays that date an event
   ("died Thursday") and the medium of a closing attribution (", police said in a
   statement.") are deleted, the attribution itself kept, nothing is rewritten.
2. Salience is a lead prior scaled down for short sentences, plus similarity to the lead
   sentence within a lead window of the first ``lead_window`` sentences
   (``summary_salience``): only those few are embedded with ``encoder``. The redundancy check
   needs every sentence embedded, by ``fast_encoder`` when one is given (the static stage:
   microseconds a sentence), else by ``encoder`` in the same batched call. On CNN/DailyMail
   dev articles the static stage's redundancy check chooses as the encoder's does; a window
   of three (or four, five, six) costs no measurable ROUGE, and on a 630-word article the
   encoder then embeds 3 sentences instead of 28 (``bench/speed.py``: 25-38 ms instead of
   108 on two cores).
3. Sentences are chosen greedily by salience (``summary_selection``): only standalone sentences
   (no fragments, questions or pieces of a multi-sentence quote), a sentence opening with a
   pronoun or connective only after its antecedent, no near-duplicates. The summary stops at
   ``summary_length`` sentences (one for a short paragraph) or once it reaches ``word_budget``
   words. On news this gives two or three sentences, about the length of CNN/DailyMail
   highlights (reference summaries do not grow with the article).
4. With ``max_output_tokens``, the lowest-ranked sentences are dropped until the summary fits;
   a single sentence that is still too long is cut at a word boundary and ends with "…".

The chosen sentences are returned in document order, joined by single spaces.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from zgpu.nlm.tasks.plain_text import to_plain_text
from zgpu.nlm.tasks.protocols import TextEncoder
from zgpu.nlm.tasks.sentences import split_sentences
from zgpu.nlm.tasks.summary_cleanup import clean_sentences
from zgpu.nlm.tasks.summary_compression import compress_sentences
from zgpu.nlm.tasks.summary_readability import dependent_mask, standalone_mask
from zgpu.nlm.tasks.summary_salience import SalienceWeights, salience
from zgpu.nlm.tasks.summary_selection import select_sentences

ELLIPSIS = "…"


@dataclass(frozen=True)
class SummaryConfig:
    """Parameters of ``summarize``; the defaults are tuned on CNN/DailyMail dev articles.

    ``count`` overrides ``summary_length`` (used to compare at a fixed length);
    ``compress`` turns sentence compression off when false (whole sentences only);
    ``lead_window`` is how many sentences from the start the lead-similarity term compares
    to the first one (``None``: all of them; below 2 turns the term off).
    """

    weights: SalienceWeights = field(default_factory=SalienceWeights)
    word_budget: int = 40
    redundancy: float = 0.8
    max_sentences: int = 100
    max_chars: int = 30_000
    count: int | None = None
    compress: bool = True
    lead_window: int | None = 3


DEFAULT_CONFIG = SummaryConfig()


def summary_length(sentence_count: int) -> int:
    """How many sentences at most: about a quarter of them, at least 1, capped.

    The cap is 3 up to 40 sentences (a news article gives 3), 4 up to 80 and 5 beyond.
    """
    cap = 3 if sentence_count <= 40 else 4 if sentence_count <= 80 else 5
    return max(1, min(cap, int(0.25 * sentence_count + 0.5)))


def candidate_sentences(text: str, config: SummaryConfig = DEFAULT_CONFIG) -> list[str]:
    """The sentences a summary of ``text`` may use, in document order. Never raises.

    Only the first ``config.max_chars`` characters of the plain text are read (cut at a
    space), enough for ``max_sentences`` sentences of any ordinary text. With
    ``config.compress`` each sentence comes compressed (``summary_compression``).
    """
    plain = to_plain_text(text)
    if len(plain) > config.max_chars:
        cut = plain.rfind(" ", 0, config.max_chars)
        plain = plain[: cut if cut > 0 else config.max_chars]
    sentences = clean_sentences(split_sentences(plain))[: config.max_sentences]
    return compress_sentences(sentences) if config.compress else sentences


def _embed_rows(sentences: list[str], encoder: TextEncoder) -> NDArray[np.float32]:
    """One row per sentence, embedding each distinct sentence once, in one call."""
    unique = list(dict.fromkeys(sentences))
    rows = encoder.embed(unique)
    index = {text: i for i, text in enumerate(unique)}
    embedded: NDArray[np.float32] = rows[[index[s] for s in sentences]]
    return embedded


def rank_sentences(
    sentences: list[str],
    encoder: TextEncoder,
    config: SummaryConfig = DEFAULT_CONFIG,
    *,
    fast_encoder: TextEncoder | None = None,
) -> list[int]:
    """Indices into ``sentences`` of the summary, best first (see the module docstring).

    ``encoder`` embeds the lead window; ``fast_encoder`` (default ``encoder``) embeds every
    sentence for the redundancy check. Each distinct sentence is embedded at most once per
    encoder. Raises only what the encoders raise.
    """
    if len(sentences) <= 1:
        return list(range(len(sentences)))
    window = len(sentences) if config.lead_window is None else max(1, config.lead_window)
    if fast_encoder is None:
        embeddings = _embed_rows(sentences, encoder)
        lead_rows = embeddings[:window]
    else:
        embeddings = _embed_rows(sentences, fast_encoder)
        lead_rows = _embed_rows(sentences[:window], encoder)
    lead_cosines = (lead_rows @ lead_rows[0]).astype(np.float32)
    similarity = (embeddings @ embeddings.T).astype(np.float32)
    words = np.array([len(s.split()) for s in sentences], dtype=np.int64)
    count = config.count if config.count is not None else summary_length(len(sentences))
    return select_sentences(
        salience(similarity, config.weights, words, lead_cosines),
        similarity,
        words,
        standalone_mask(sentences),
        dependent_mask(sentences),
        count=count,
        word_budget=config.word_budget,
        redundancy=config.redundancy,
    )


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


def summarize(
    text: str,
    encoder: TextEncoder,
    max_output_tokens: int | None = None,
    config: SummaryConfig = DEFAULT_CONFIG,
    *,
    fast_encoder: TextEncoder | None = None,
) -> str:
    """An extractive summary of ``text`` in plain text.

    ``encoder`` embeds the lead window and counts tokens; ``fast_encoder``, when given,
    embeds every sentence for the redundancy check (see ``rank_sentences``).

    The result is made of sentences of the input in document order, each whole or with
    asides deleted (``summary_compression``), except when
    ``max_output_tokens`` (counted with ``encoder.count_tokens``) is smaller than the best
    sentence: then that sentence is cut at a word boundary and ends with "…" (or is empty if
    not even "…" fits). A text of one sentence (or one word) is returned as it is, subject to
    the same limit. Empty or whitespace-only input gives an empty string. Deterministic;
    raises only what the encoders raise.
    """
    sentences = candidate_sentences(text, config)
    if not sentences:
        return ""
    ranked = rank_sentences(sentences, encoder, config, fast_encoder=fast_encoder)
    return _fit(ranked, sentences, encoder, max_output_tokens)

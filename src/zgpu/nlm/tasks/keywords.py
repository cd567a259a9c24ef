"""Keyphrase extraction in the manner of KeyBERT.

Candidates are 1–3 word n-grams of the text that do not cross punctuation, do not start or end
with a stopword (nor hold one inside, except "of", "and", "&") and contain no bare number. The
most promising ``MAX_CANDIDATES`` (by frequency, length and first position) are embedded, scored
by cosine to the document embedding, and picked with maximal marginal relevance so the list is
not ten variants of one phrase. Runs of Chinese,
Japanese or Korean characters, which have no spaces, are cut into two-character words first.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from zgpu.nlm.tasks.protocols import TextEncoder
from zgpu.nlm.tasks.scoring import mmr_select
from zgpu.nlm.tasks.stopwords import STOPWORDS

MAX_CANDIDATES = 64
_JOINERS = frozenset({"of", "and", "&"})
MAX_WORDS = 3
DIVERSITY = 0.5

_CHUNK_BREAK = re.compile(r"[^\w\s'’&-]+|\s[-–—&]+\s|\s'|'\s|\n")
_WORD = re.compile(r"\w[\w'’&-]*")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_CJK_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]+")


@dataclass(frozen=True)
class Keyphrase:
    """A phrase of the text and its cosine similarity to the whole text."""

    text: str
    cosine: float


def _words(chunk: str) -> list[str]:
    words: list[str] = []
    for raw in _WORD.findall(chunk.lower().replace("’", "'")):
        word = raw.strip("'-&")
        word = word[:-2] if word.endswith("'s") else word
        if _CJK.search(word):
            for run in _CJK_RUN.findall(word):
                words.extend(run[i : i + 2] for i in range(0, len(run), 2))
        elif word:
            words.append(word)
    return words


def _join(words: list[str]) -> str:
    phrase = words[0]
    for previous, word in itertools.pairwise(words):
        cjk = _CJK.match(previous[-1]) is not None and _CJK.match(word[0]) is not None
        phrase += word if cjk else " " + word
    return phrase


def _usable(word: str) -> bool:
    return not word.isdigit() and (len(word) > 1 or _CJK.match(word) is not None)


def candidate_phrases(text: str, limit: int = MAX_CANDIDATES) -> list[str]:
    """Up to ``limit`` candidate phrases of ``text``, lowercased, in order of first occurrence."""
    stats: dict[str, tuple[int, int, int]] = {}  # phrase -> (count, first position, words)
    position = 0
    for chunk in _CHUNK_BREAK.split(text):
        words = _words(chunk)
        for start in range(len(words)):
            for size in range(1, MAX_WORDS + 1):
                gram = words[start : start + size]
                if len(gram) < size:
                    break
                if gram[0] in STOPWORDS or gram[-1] in STOPWORDS:
                    continue
                if any(w in STOPWORDS and w not in _JOINERS for w in gram[1:-1]):
                    continue
                if not all(_usable(w) for w in gram):
                    continue
                phrase = _join(gram)
                count, first, _ = stats.get(phrase, (0, position + start, size))
                stats[phrase] = (count + 1, first, size)
        position += len(words)

    def promise(item: tuple[str, tuple[int, int, int]]) -> tuple[float, int]:
        count, first, size = item[1]
        return (-(count * (1.0 + 0.3 * (size - 1)) + 1.0 / (1.0 + first / 40.0)), first)

    best = sorted(stats.items(), key=promise)[:limit]
    return [phrase for phrase, _ in sorted(best, key=lambda item: item[1][1])]


def extract_keyphrases(
    text: str,
    document: NDArray[np.float32],
    encoder: TextEncoder,
    count: int = 10,
    diversity: float = DIVERSITY,
) -> list[Keyphrase]:
    """The ``count`` best keyphrases of ``text``, most relevant first.

    ``document`` is the L2-normalised embedding of ``text``. Returns an empty list when the text
    has no usable word (emoji only, punctuation, numbers). Deterministic.
    """
    candidates = candidate_phrases(text)
    if not candidates:
        return []
    embeddings = encoder.embed(candidates)
    relevance = (embeddings @ document).astype(np.float32)
    picked = mmr_select(relevance, embeddings, count, diversity)
    return [Keyphrase(candidates[i], float(relevance[i])) for i in picked]

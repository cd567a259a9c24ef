"""Keyphrase extraction in the manner of KeyBERT, over noun-phrase-like candidates.

Candidates are 1–3 word n-grams of the text that do not cross punctuation, do not start or end
with a stopword (nor hold one inside, except "and", "&"), contain no bare number (in digits or
words) and look like noun phrases without a part-of-speech tagger:

- a word right after a subject pronoun or modal ("we **refill**", "to **pair**", "will
  **launch**") is taken for a verb and cannot start a candidate;
- a word right before a determiner or possessive ("refill **half** the bottle", "models **pair**
  a screen") is taken for a verb or modifier and cannot end one;
- an adverb in "-ly" is never part of one, and a phrase of several words neither ends in "-ed"
  or a common verb ("anchor tenants **include**") nor starts with such a verb.

Singular and plural forms ("battery", "batteries") count as one candidate, reported in the form
the text uses most. The most promising ``MAX_CANDIDATES`` (by frequency, length and first
position) are embedded, scored by cosine to the document embedding, and picked with maximal
marginal relevance so the list is not ten variants of one phrase. Runs of Chinese, Japanese or
Korean characters, which have no spaces, are cut into two-character words first.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from zgpu.nlm.tasks.protocols import TextEncoder
from zgpu.nlm.tasks.scoring import mmr_select
from zgpu.nlm.tasks.stopwords import STOPWORDS

MAX_CANDIDATES = 40
MAX_WORDS = 3
DIVERSITY = 0.5
_JOINERS = frozenset({"and", "&"})
_VERBS = frozenset(
    (
        *("include", "includes", "offer", "offers", "spread", "spreads", "pair", "pairs"),
        *("built", "build", "builds", "bought", "sold", "found", "left", "kept", "held"),
        *("won", "lost", "began", "came", "went", "took", "gave", "felt", "paid", "met"),
        *("sent", "spent", "brought", "grew", "rose", "chose", "wrote", "drove", "add"),
        *("adds", "help", "helps", "allow", "allows", "provide", "provides", "require"),
        *("requires", "different", "means", "remain", "remains", "become", "turn", "turns"),
        *("including", "sit", "sits", "lose", "loses", "range", "ranges"),
    )
)
_NUMBER_WORDS = frozenset(
    (
        *("zero", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven"),
        *("twelve", "fifteen", "twenty", "thirty", "forty", "fifty", "hundred", "thousand"),
        *("million", "billion", "dozen", "half", "seventeen", "eighteen", "sixty", "ninety"),
    )
)
_BEFORE_VERB = frozenset(
    (
        *("to", "will", "would", "can", "could", "should", "may", "might", "must", "shall"),
        *("i", "you", "we", "they", "he", "she", "it", "who", "not", "also", "then"),
        *("don't", "doesn't", "didn't", "won't", "can't", "often", "never", "always"),
    )
)
_BEFORE_OBJECT = frozenset(
    (
        *("a", "an", "the", "this", "these", "those", "its", "their", "his", "her", "our"),
        *("your", "my", "some", "any", "each", "every"),
    )
)

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
    if word.isdigit() or word in _NUMBER_WORDS or (len(word) < 2 and _CJK.match(word) is None):
        return False
    return not (len(word) > 4 and word.endswith("ly"))


def singular(word: str) -> str:
    """A crude singular of an English word: "batteries" → "battery", "phones" → "phone"."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@dataclass
class _Candidate:
    count: int
    first: int
    size: int
    forms: Counter[str] = field(default_factory=Counter)


class _ChunkWords:
    """A chunk's words with the per-word facts ``fits`` asks about, computed once each."""

    def __init__(self, words: list[str]) -> None:
        self.words = words
        self.usable = [_usable(w) for w in words]
        self.stop = [w in STOPWORDS for w in words]
        self.inner_stop = [w in STOPWORDS and w not in _JOINERS for w in words]
        self.verb = [w in _VERBS for w in words]
        self.past = [w.endswith("ed") for w in words]
        self.before_verb = [w in _BEFORE_VERB for w in words]
        self.before_object = [w in _BEFORE_OBJECT for w in words]

    def fits(self, start: int, size: int) -> bool:
        """Whether ``words[start:start + size]`` may be a candidate phrase."""
        end = start + size
        last = end - 1
        if self.stop[start] or self.stop[last] or not all(self.usable[start:end]):
            return False
        if any(self.inner_stop[start + 1 : last]):
            return False
        if size > 1 and (self.verb[last] or self.past[last] or self.verb[start]):
            return False
        if start > 0 and self.before_verb[start - 1]:
            return False
        return not (end < len(self.words) and self.before_object[end] and size > 1)


def candidate_phrases(text: str, limit: int = MAX_CANDIDATES) -> list[str]:
    """Up to ``limit`` candidate phrases of ``text``, lowercased, in order of first occurrence."""
    stats: dict[str, _Candidate] = {}
    position = 0
    for chunk in _CHUNK_BREAK.split(text):
        words = _words(chunk)
        facts = _ChunkWords(words)
        for start in range(len(words)):
            for size in range(1, min(MAX_WORDS, len(words) - start) + 1):
                if not facts.fits(start, size):
                    continue
                gram = words[start : start + size]
                key = _join([*gram[:-1], singular(gram[-1])])
                found = stats.setdefault(key, _Candidate(0, position + start, size))
                found.count += 1
                found.forms[_join(gram)] += 1
        position += len(words)

    def promise(item: tuple[str, _Candidate]) -> tuple[float, int]:
        found = item[1]
        return (
            -(found.count * (1.0 + 0.3 * (found.size - 1)) + 1.0 / (1.0 + found.first / 40)),
            found.first,
        )

    best = sorted(stats.items(), key=promise)[:limit]
    best.sort(key=lambda item: item[1].first)
    return [max(found.forms.items(), key=lambda f: (f[1], -len(f[0])))[0] for _, found in best]


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

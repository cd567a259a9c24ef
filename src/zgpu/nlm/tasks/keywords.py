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

This runs on every classified text, so it is written for speed: the facts about a word are
worked out once per distinct word (and cached), and the n-grams are read off one list of words
by index, with a sentinel where the text breaks.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass
from typing import NamedTuple

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
_MARK = "\x00"
"""A chunk break among the pieces of a text (``_CHUNK_BREAK`` removes any the text holds)."""
_COMBINING_DOT = "\u0307"
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_CJK_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]+")
_CACHED_WORDS = 16_384


@dataclass(frozen=True)
class Keyphrase:
    """A phrase of the text and its cosine similarity to the whole text."""

    text: str
    cosine: float


class _Word(NamedTuple):
    """What candidate generation asks about one word, worked out once per distinct word."""

    text: str
    """The word, lowercased, as the text spells it."""
    singular: str
    """``singular(text)``."""
    edge: bool
    """It may start or end a candidate: a usable word that is not a stopword."""
    inner: bool
    """It may sit inside a candidate: usable, and not a stopword other than a joiner."""
    head: bool
    """It may start a candidate of several words: ``edge`` and not a common verb."""
    tail: bool
    """It may end a candidate of several words: ``edge``, not a common verb, not in "-ed"."""
    before_verb: bool
    """The word after it is taken for a verb and cannot start a candidate."""
    before_object: bool
    """The word before it is taken for a verb and cannot end a candidate of several words."""
    cjk: bool
    """A piece of a Chinese, Japanese or Korean run: joined to a CJK neighbour without a space."""


def _usable(word: str) -> bool:
    if word.isdigit() or word in _NUMBER_WORDS or (len(word) < 2 and _CJK.match(word) is None):
        return False
    return not (len(word) > 4 and word.endswith("ly"))


@functools.lru_cache(maxsize=_CACHED_WORDS)
def singular(word: str) -> str:
    """A crude singular of an English word: "batteries" → "battery", "phones" → "phone"."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _describe(word: str) -> _Word:
    edge = _usable(word) and word not in STOPWORDS
    verb = word in _VERBS
    return _Word(
        text=word,
        singular=singular(word),
        edge=edge,
        inner=edge or (word in _JOINERS and _usable(word)),
        head=edge and not verb,
        tail=edge and not verb and not word.endswith("ed"),
        before_verb=word in _BEFORE_VERB,
        before_object=word in _BEFORE_OBJECT,
        cjk=_CJK.match(word) is not None,
    )


_BREAK = _Word("", "", False, False, False, False, False, False, False)
"""Stands between two chunks (and at both ends): no candidate holds it, it binds no neighbour."""


@functools.lru_cache(maxsize=_CACHED_WORDS)
def _piece_words(piece: str) -> tuple[_Word, ...]:
    """The words a lowercased piece of text stands for: none, one, or a CJK run's pieces."""
    if piece == _MARK:
        return (_BREAK,)
    word = piece.strip("'-&")
    word = word[:-2] if word.endswith("'s") else word
    if _CJK.search(word):
        runs = _CJK_RUN.findall(word)
        return tuple(_describe(run[i : i + 2]) for run in runs for i in range(0, len(run), 2))
    return (_describe(word),) if word else ()


def _words(text: str) -> list[_Word]:
    """The words of ``text``, chunk after chunk, with ``_BREAK`` before, between and after.

    Each chunk break becomes a marker between spaces; a space is neither cased nor
    case-ignorable, so each chunk lowercases as it would alone (a final sigma stays final).
    What is left between spaces is made of word characters, apostrophes, "&" and hyphens,
    and lowercasing keeps it so, except that "İ" gains a combining dot, which is no word
    character and so separates words as a space does. ``str.split`` and ``\\s`` agree on what
    is a space. (``tests/unit/nlm/tasks/test_keywords.py`` checks these facts on every code
    point.)
    """
    marked = _CHUNK_BREAK.sub(" " + _MARK + " ", text).lower()
    pieces = marked.replace("’", "'").replace(_COMBINING_DOT, " ").split()
    return [_BREAK, *itertools.chain.from_iterable(map(_piece_words, pieces)), _BREAK]


class _Tally:
    """Candidates by key, in order of first occurrence, with the count of each surface form.

    The key of a phrase is the phrase with its last word made singular, so that "battery" and
    "batteries" are one candidate; its first position and size are those of its first
    occurrence.
    """

    def __init__(self) -> None:
        self.totals: dict[str, int] = {}
        self.origins: dict[str, tuple[int, int]] = {}
        self.forms: dict[str, dict[str, int]] = {}

    def add(self, key: str, phrase: str, first: int, size: int) -> None:
        """Count one occurrence of ``phrase`` (``size`` words from the ``first``th word)."""
        if key in self.totals:
            self.totals[key] += 1
            forms = self.forms[key]
            forms[phrase] = forms.get(phrase, 0) + 1
        else:
            self.totals[key] = 1
            self.origins[key] = (first, size)
            self.forms[key] = {phrase: 1}

    def count(self, words: list[_Word]) -> None:
        """Count the candidates of ``words`` (as ``_words`` gives them).

        ``_BREAK`` at both ends means every word has neighbours to look at, and it ends
        every n-gram (it is neither ``tail`` nor ``inner``) before the list does.
        """
        breaks = 0
        for index, word in enumerate(words):
            if word is _BREAK:
                breaks += 1
                continue
            if not word.edge or words[index - 1].before_verb:
                continue
            first = index - breaks
            self.add(word.singular, word.text, first, 1)
            if not word.head:
                continue
            phrase, previous = word.text, word
            for end in range(index + 1, index + MAX_WORDS):
                last = words[end]
                glue = "" if previous.cjk and last.cjk else " "
                if last.tail and not words[end + 1].before_object:
                    key = phrase + glue + last.singular
                    self.add(key, phrase + glue + last.text, first, end - index + 1)
                if not last.inner:
                    break
                phrase += glue + last.text
                previous = last

    def best(self, limit: int) -> list[str]:
        """Up to ``limit`` candidates, each in its most frequent form, by first occurrence.

        Promise is the count, weighted up for longer phrases, plus a bonus for an early first
        position; equal promise goes by first position, then by order of first occurrence. The
        chosen few are then put in order of first position, keeping that order on a tie.
        """
        ranked = [
            (-(count * (1.0 + 0.3 * (size - 1)) + 1.0 / (1.0 + first / 40)), first, rank, key)
            for rank, ((key, count), (first, size)) in enumerate(
                zip(self.totals.items(), self.origins.values(), strict=True)
            )
        ]
        chosen = sorted(ranked)[:limit]
        chosen.sort(key=lambda item: item[1])
        return [_most_frequent(self.forms[key]) for *_, key in chosen]


def _most_frequent(forms: dict[str, int]) -> str:
    """The most frequent form, the shortest on a tie, the first seen on a further tie."""
    if len(forms) == 1:
        return next(iter(forms))
    return max(forms.items(), key=lambda form: (form[1], -len(form[0])))[0]


def candidate_phrases(text: str, limit: int = MAX_CANDIDATES) -> list[str]:
    """Up to ``limit`` candidate phrases of ``text``, lowercased, in order of first occurrence."""
    tally = _Tally()
    tally.count(_words(text))
    return tally.best(limit)


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

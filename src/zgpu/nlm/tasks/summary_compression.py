"""Sentence compression for summaries: asides and attributions that a summary can do without.

A summary is short, so every word it spends on a detail is a word not spent on the news.
``compress_sentence`` deletes, and never rewrites, four kinds of material that news sentences
carry and summaries drop:

- a parenthetical after a word (``the temperature (15.5 degrees Celsius) on``), except an
  acronym (``(CERN)``) or a parenthetical holding quotation marks;
- an aside between a pair of double dashes (``the dog -- a friendly bully breed mix -- was``);
- a closing attribution after a comma (``..., police said.``, ``..., the company said
  Tuesday.``, ``..., Deadline reported.``), only in sentences without quotation marks, where
  the attribution belongs to the quote;
- a closing source after a comma (``..., according to the Weather Underground.``).

What is left is still a complete sentence: the same opening words, the same closing
punctuation. A deletion that would leave fewer than ``MIN_KEPT_WORDS`` words, or less than a
third of the sentence, is not made.
"""

from __future__ import annotations

import re

MIN_KEPT_WORDS = 6
"""A compressed sentence keeps at least this many words, else the sentence is left whole."""

_QUOTES = '"“”«»'
_PARENTHETICAL = re.compile(r"(?<=[\w,.'’])\s+\((?![A-Z][A-Za-z0-9&.-]{1,7}\))[^()\"“”]{1,80}\)")
_DASH_ASIDE = re.compile(r"\s+--\s+(?:(?!--)[^\"“”]){1,120}?\s+--(?=\s)")
_END = r"(?=[.!][\"'”’)]*$)"
_ATTRIBUTION = re.compile(
    r",\s+(?!(?:which|who|whom|whose|that|what|as|when|where|while|and|but|or|if|because)\b)"
    r"(?:[\w.'’&-]+\s+){1,7}"
    r"(?:said|says|say|reported|reports|added|announced|confirmed|told\s+[\w.'’ -]{1,30})"
    r"(?:\s+(?:on\s+)?[A-Z]?[a-z]+(?:\s+[a-z]+)?)?" + _END
)
_ACCORDING_TO = re.compile(r",\s+according\s+to\s+[^,;]{1,80}" + _END)


def _attribution_removed(sentence: str) -> str:
    if any(mark in sentence for mark in _QUOTES):
        return sentence
    return _ACCORDING_TO.sub("", _ATTRIBUTION.sub("", sentence, count=1), count=1)


def compress_sentence(sentence: str) -> str:
    """``sentence`` without parentheticals, dash asides and a closing attribution.

    See the module docstring for what is removed and when a sentence is left whole.
    Deterministic; never raises.
    """
    compressed = _PARENTHETICAL.sub("", sentence)
    compressed = _DASH_ASIDE.sub("", compressed)
    compressed = _attribution_removed(compressed)
    if compressed == sentence:
        return sentence
    kept, total = len(compressed.split()), len(sentence.split())
    if kept < MIN_KEPT_WORDS or 3 * kept < total:
        return sentence
    return compressed


def compress_sentences(sentences: list[str]) -> list[str]:
    """Each of ``sentences`` compressed with ``compress_sentence``, in the same order."""
    return [compress_sentence(s) for s in sentences]

"""Sentence compression for summaries: asides that a summary can do without.

A summary is short, so every word it spends on a detail is a word not spent on the news.
``compress_sentence`` deletes, and never rewrites, two kinds of material that news sentences
carry and summaries drop:

- a parenthetical after a word (``the temperature (15.5 degrees Celsius) on``), except an
  acronym (``(CERN)``) or a parenthetical holding quotation marks;
- an aside between a pair of double dashes (``the dog -- a friendly bully breed mix -- was``).

Attributions (``..., police said.``, ``..., according to X.``) are kept, although dropping
them scores higher on ROUGE: without its source, a claim the text reports would read as a
fact the summary asserts. A summary must not say more than its input.

What is left is still a complete sentence: the same opening words, the same closing
punctuation. A deletion that would leave fewer than ``MIN_KEPT_WORDS`` words, or less than a
third of the sentence, is not made.
"""

from __future__ import annotations

import re

MIN_KEPT_WORDS = 6
"""A compressed sentence keeps at least this many words, else the sentence is left whole."""

_PARENTHETICAL = re.compile(r"(?<=[\w,.'’])\s+\((?![A-Z][A-Za-z0-9&.-]{1,7}\))[^()\"“”]{1,80}\)")
_DASH_ASIDE = re.compile(r"\s+--\s+(?:(?!--)[^\"“”]){1,120}?\s+--(?=\s)")


def compress_sentence(sentence: str) -> str:
    """``sentence`` without parentheticals and dash asides.

    See the module docstring for what is removed and when a sentence is left whole.
    Deterministic; never raises.
    """
    compressed = _PARENTHETICAL.sub("", sentence)
    compressed = _DASH_ASIDE.sub("", compressed)
    if compressed == sentence:
        return sentence
    kept, total = len(compressed.split()), len(sentence.split())
    if kept < MIN_KEPT_WORDS or 3 * kept < total:
        return sentence
    return compressed


def compress_sentences(sentences: list[str]) -> list[str]:
    """Each of ``sentences`` compressed with ``compress_sentence``, in the same order."""
    return [compress_sentence(s) for s in sentences]

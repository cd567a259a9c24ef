"""Which sentences can stand on their own in a summary.

A summary is read without the text around its sentences, so some sentences cannot be used:

- *fragments*: they start mid-sentence (a lower-case word, a closing quote or bracket, an
  ellipsis), lack closing punctuation (headings, captions, list labels), are very short, or are
  a piece of a quotation that runs over several sentences (an odd number of straight quotes, or
  unbalanced curly quotes);
- *questions*: rhetorical openers ("So why is he taking Ellie instead?") rarely carry a fact.

Others are *dependent*: they open with a pronoun or a connective ("He", "It", "They", "This",
"But", "However") that points back to the previous sentence, so they may only be used together
with it.
"""

from __future__ import annotations

import re

import numpy as np
from numpy.typing import NDArray

MIN_WORDS = 4
"""Sentences with fewer words are fragments (short headings, teasers like "Facts are facts.")."""

_DEPENDENT = re.compile(
    r"^[\"'“‘]?\s*(?:he|she|it|they|them|him|his|her|hers|their|theirs|its|this|these|those|"
    r"that|such|there|here|but|and|or|so|also|however|then|still|yet|meanwhile|instead|"
    r"besides|moreover|furthermore|nevertheless|nonetheless|otherwise|thus|hence|therefore)\b",
    re.IGNORECASE,
)
_MID_SENTENCE = re.compile(r"^(?:[a-z]|[”’)\]}…,;:—–-]|\.\.\.)")
_TERMINAL = re.compile(r"[.!?…。！？][\"'”’»)\]]*$")
_QUESTION = re.compile(r"[?？][\"'”’»)\]]*$")


def is_dependent(sentence: str) -> bool:
    """Whether ``sentence`` opens with a word that refers back to the sentence before it."""
    return _DEPENDENT.match(sentence) is not None


def _unbalanced_quotes(sentence: str) -> bool:
    return sentence.count('"') % 2 == 1 or sentence.count("“") != sentence.count("”")


def is_fragment(sentence: str) -> bool:
    """Whether ``sentence`` cannot be read as a complete sentence (see the module docstring)."""
    return (
        _MID_SENTENCE.match(sentence) is not None
        or _TERMINAL.search(sentence) is None
        or len(sentence.split()) < MIN_WORDS
        or _unbalanced_quotes(sentence)
    )


def is_question(sentence: str) -> bool:
    """Whether ``sentence`` ends with a question mark (possibly inside closing quotes)."""
    return _QUESTION.search(sentence) is not None


def standalone_mask(sentences: list[str]) -> NDArray[np.bool_]:
    """For each sentence, whether it may be chosen without its predecessor's help.

    ``False`` for fragments and questions. The first sentence is never dependent.
    """
    return np.array([not is_fragment(s) and not is_question(s) for s in sentences], dtype=np.bool_)


def dependent_mask(sentences: list[str]) -> NDArray[np.bool_]:
    """For each sentence, whether it needs the previous sentence (never true for the first)."""
    return np.array([i > 0 and is_dependent(s) for i, s in enumerate(sentences)], dtype=np.bool_)

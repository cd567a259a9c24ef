"""Sentence compression for summaries: asides that a summary can do without.

A summary is short, so every word it spends on a detail is a word not spent on the news.
``compress_sentence`` deletes, and never rewrites, four kinds of material that news sentences
carry and summaries drop:

- a parenthetical after a word (``the temperature (15.5 degrees Celsius) on``), except an
  acronym (``(CERN)``) or a parenthetical holding quotation marks;
- an aside between a pair of double dashes (``the dog -- a friendly bully breed mix -- was``);
- a bare weekday that dates an event (``died Thursday at home``, ``sirens blared Wednesday
  night in Kansas``): read without the article's date it tells nothing, and news highlights
  leave it out;
- the medium and the day of a closing attribution (``..., police said in a statement
  Monday.`` becomes ``..., police said.``): the source stays, only how and when it spoke go.

A weekday is deleted only after a plain lower-case word that does not need it (``on Monday``,
``last Monday``, ``until Friday``, ``was Sunday`` keep theirs; deleting ``on Monday`` was
measured and gained nothing), never when a date follows (``Tuesday, March 3``), never at the
end of a sentence (``the season begins Sunday.``; a closing attribution's day is the
attribution rule's), never inside quotation marks, never after a capitalised word (``Black
Friday``), and never in a sentence with a negation or ``only``: there, dropping a qualifier
would make the claim stronger (``did not vote Monday`` is not ``did not vote``).

Attributions themselves (``..., police said.``, ``..., according to X.``) are kept,
although dropping them scores higher on ROUGE: without its source, a claim the text reports
would read as a fact the summary asserts. A summary must not say more than its input.
Non-restrictive appositives, relative clauses and ages (``Smith, a spokesman for X,``,
``Smith, who ...,``, ``Smith, 45,``) are kept too: deleting them would keep every statement
true, but news highlights keep such details (on CNN/DailyMail dev articles their words are
more often in the reference than the rest of the sentence), so deleting them costs ROUGE.

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

_DAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_WEEKDAY = re.compile(
    rf"\s(?:{_DAYS})(?:\s(?:morning|afternoon|evening|night))?"
    rf"(?=[\s,.;:!?]|$)(?!,?\s(?:{_MONTHS}|\d))"
)
_WORD_BEFORE = re.compile(r"(\S+)\s*$")
_PLAIN_WORD = re.compile(r"[a-z][a-z'’-]*")
_NEEDS_ITS_DAY = re.compile(
    r"a|after|and|are|as|at|be|been|before|beginning|between|by|each|early|every|following"
    r"|for|from|in|is|last|late|next|of|on|or|past|previous|same|since|starting|than|that"
    r"|the|this|through|till|time|to|until|was|were"
)
"""Words a following weekday completes (``on Monday``, ``until Friday``, ``was Sunday``)."""
_NARROWING = re.compile(
    r"\b(?:not|no|never|none|nor|neither|without|only|nobody|nothing|cannot)\b|n['’]t\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?]*[\"”’)]*\s*")
_QUOTED = re.compile(r"\"[^\"]*\"?|“[^”]*”?")
_ATTRIBUTION_DETAIL = re.compile(
    r"(\b(?:said|says|told\s[A-Z][\w.]*(?:\s[A-Z][\w.]*)*))"
    r"(?:\s(?:in\san?|on\s(?:its|his|her|their))\s"
    r"(?:statement|email|e-mail|news\srelease|press\srelease|release|interview|tweet|post"
    r"|website|Facebook\spage|blog\spost)"
    rf"|\s(?:on\s)?(?:{_DAYS})(?:\s(?:morning|afternoon|evening|night))?"
    r"|\s(?:last|this)\sweek)+"
    r"(?=[.!?]$)"
)


def _without_weekdays(sentence: str) -> str:
    """``sentence`` without the weekdays that date its events (see the module docstring)."""
    if _NARROWING.search(sentence):
        return sentence
    quoted = [match.span() for match in _QUOTED.finditer(sentence)]

    def replace(match: re.Match[str]) -> str:
        start = match.start()
        if any(low <= start < high for low, high in quoted):
            return match.group(0)
        before = _WORD_BEFORE.search(sentence[:start])
        if before is None:
            return match.group(0)
        word = before.group(1)
        if _PLAIN_WORD.fullmatch(word) is None or _NEEDS_ITS_DAY.fullmatch(word):
            return match.group(0)
        if _SENTENCE_END.fullmatch(sentence, match.end()):
            return match.group(0)
        return ""

    return _WEEKDAY.sub(replace, sentence)


def compress_sentence(sentence: str) -> str:
    """``sentence`` without parentheticals, dash asides, bare weekdays, attribution details.

    See the module docstring for what is removed and when a sentence is left whole.
    Deterministic; never raises.
    """
    compressed = _PARENTHETICAL.sub("", sentence)
    compressed = _DASH_ASIDE.sub("", compressed)
    compressed = _without_weekdays(compressed)
    compressed = _ATTRIBUTION_DETAIL.sub(r"\1", compressed)
    if compressed == sentence:
        return sentence
    kept, total = len(compressed.split()), len(sentence.split())
    if kept < MIN_KEPT_WORDS or 3 * kept < total:
        return sentence
    return compressed


def compress_sentences(sentences: list[str]) -> list[str]:
    """Each of ``sentences`` compressed with ``compress_sentence``, in the same order."""
    return [compress_sentence(s) for s in sentences]

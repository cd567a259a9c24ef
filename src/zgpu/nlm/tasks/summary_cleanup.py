"""News boilerplate that never belongs in a summary: datelines, bylines, credits, link lines.

``clean_sentences`` works on split sentences:

- the first sentence loses a leading dateline and source tag (``Washington (CNN) --``,
  ``(The Hollywood Reporter)``);
- sentences that are boilerplate are dropped: reporting credits ("CNN's Jane Doe contributed to
  this report.", "Ian Lee reported from Cairo."), copyright lines, calls to action ("Click here",
  "Scroll down for video", "Follow @x on Twitter", "READ MORE: ..."), editor's notes, opinion
  disclaimers, and lines ending in a detached full stop (``"People we've lost in 2015 ."``),
  which in scraped news are related-link headlines and byline fragments (``By . Name .
  PUBLISHED: . 12:08 EST ...``).
"""

from __future__ import annotations

import re

_PLACE_WORD = r"(?:[A-Z][\w.'’-]*|de|da|del|la|le|of|al|el|do|dos|van|von)"
_DATELINE = re.compile(
    rf"^(?:[A-Z][\w.'’-]*(?:,?\s+{_PLACE_WORD}){{0,5}}\s*)?"
    r"\((?:[A-Z][\w.&'’-]*)(?:\s+[A-Z][\w.&'’-]*){0,4}\)\s*(?:--|—|–|-|:)?\s*(?=\S)"
)
_LEADING_DASH_DATELINE = re.compile(
    rf"^[A-Z][A-Z.'’-]+(?:,?\s+{_PLACE_WORD}){{0,4}}\s+(?:--|—|–)\s+(?=\S)"
)
_BOILERPLATE = re.compile(
    r"""
    contributed\s+(?:reporting|to\s+(?:this|the)\s+(?:report|story|article))
    | \b(?:copyright|all\s+rights\s+reserved|some\s+rights\s+reserved)\b | ©
    | ^(?:scroll\s+down|click\s+here|read\s+more|see\s+more|watch\s+the\s+video|related\s*:
        |read\s+this\s*:|sign\s+up|subscribe\b|share\s+this|follow\s+(?:us|@)
        |join\s+us\s+on|like\s+us\s+on|editor'?s\s+note|for\s+the\s+latest)
    | ^the\s+(?:views|opinions)\s+expressed\s+in\s+this
    | ^(?:\S+\s+){0,5}\S+\s+(?:also\s+)?reported\s+from\s+[A-Z]\w*[.\s]*$
    | ^(?:\S+\s+){0,6}(?:wrote|writing)\s+(?:this\s+story\s+)?(?:from|in)\s+[A-Z]\w*[.\s]*$
    | ^follow\s+.*\bon\s+(?:twitter|facebook|instagram)\W*$
    | ^(?:published|updated|last\s+updated)\s*:?\s*(?:\.|\d|$)
    | ^by\s*\.
    | (?<!\.)\s\.$
    """,
    re.IGNORECASE | re.VERBOSE,
)


def strip_dateline(sentence: str) -> str:
    """``sentence`` without a leading dateline or source tag (``London (CNN) --``)."""
    stripped = _DATELINE.sub("", sentence, count=1)
    stripped = _LEADING_DASH_DATELINE.sub("", stripped, count=1)
    return stripped if stripped.strip() else sentence


def is_boilerplate(sentence: str) -> bool:
    """Whether ``sentence`` is a credit, copyright, call to action or link line."""
    return _BOILERPLATE.search(sentence.strip()) is not None


def clean_sentences(sentences: list[str]) -> list[str]:
    """``sentences`` with the first one's dateline removed and boilerplate lines dropped.

    When every sentence would be dropped the input is returned unchanged (a summary of
    boilerplate is still better than nothing). Never raises.
    """
    if not sentences:
        return []
    first = [strip_dateline(sentences[0]), *sentences[1:]]
    kept = [s for s in first if not is_boilerplate(s)]
    return kept if kept else first

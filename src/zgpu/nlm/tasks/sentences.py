"""Sentence splitting for extractive summaries.

Rule-based and deterministic. It keeps together what a naive split on ". " would break:
titles (``Dr. Smith``), initials and initialisms (``J. K. Rowling``, ``the U.S. on Friday``),
``a.m.``/``p.m.``, ``e.g.``/``i.e.``, ``Inc.``/``Ltd.``, numbers and versions (``3.5%``,
``No. 5``, ``v2.1.3``), punctuation inside quotes (``"Stop!" he said``) and ellipses (``...``,
``. . .``, ``…``) followed by a lower-case word. A sentence that ends inside quotes or brackets
keeps its closing marks (``He said "Go."``). Paragraph breaks always end a sentence, and each
item of a bulleted or numbered list is its own sentence (its marker removed). Chinese and
Japanese full stops end a sentence without a following space. Over-long runs without
punctuation are cut into pieces of at most ``MAX_SENTENCE_CHARS`` characters at word
boundaries.
"""

from __future__ import annotations

import re

MAX_SENTENCE_CHARS = 1000

# Abbreviations that never end a sentence (titles are followed by a name).
# fmt: off
_TITLES = frozenset((
    "mr", "mrs", "ms", "mx", "dr", "prof", "sr", "jr", "st", "mt", "ft", "gen", "col", "lt",
    "sgt", "capt", "cmdr", "adm", "maj", "gov", "sen", "rep", "rev", "hon", "pres", "supt",
    "det", "insp", "messrs", "mmes", "fr", "sra", "srta", "mme", "mlle", "vs", "cf", "viz",
    "approx", "dept", "univ", "assn", "bros"
))
# fmt: on
# Abbreviations that do not end a sentence when a number follows (``No. 5``, ``Jan. 3``).
# fmt: off
_BEFORE_NUMBER = frozenset((
    "no", "nos", "vol", "vols", "p", "pp", "fig", "figs", "ch", "chap", "sec", "art", "para",
    "eq", "ref", "op", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
    "nov", "dec"
))
# fmt: on
# Words that commonly open a sentence; after an initialism (``U.S.``, ``a.m.``, ``etc.``) a
# capitalised word ends the sentence only if it is one of these.
# fmt: off
_STARTERS = frozenset((
    "a", "an", "the", "he", "she", "it", "its", "they", "we", "i", "you", "his", "her", "their",
    "our", "my", "this", "that", "these", "those", "there", "but", "and", "so", "yet", "or",
    "if", "when", "while", "after", "before", "although", "though", "however", "meanwhile",
    "still", "in", "on", "at", "for", "as", "by", "from", "with", "to", "of", "what", "who",
    "why", "how", "where", "which", "some", "many", "most", "many", "all", "no", "not", "now",
    "then", "also", "both", "each", "every", "one", "two", "three", "police", "officials",
    "authorities"
))
# fmt: on
_INITIALISM = re.compile(r"^(?:[A-Za-z]\.){2,}$")
_SINGLE_INITIAL = re.compile(r"^[A-Z]\.$")
_SOFT_ENDERS = frozenset({"etc", "al", "inc", "ltd", "co", "corp", "jr", "sr"})

_CANDIDATE = re.compile(r"((?:\.\s){2,}\.|[.!?…]+)([\"'”’»)\]]*)(\s+)|([。！？]+)([」』”’)]*)")
_LIST_MARKER = re.compile(r"^\s*(?:[-*•▪●‣–—·]|\(?\d{1,3}[.)]|\(?[a-zA-Z][)])\s+")
_TERMINAL = re.compile(r"[.!?…:;。！？][\"'”’»)\]]*$")
_WORD_BEFORE = re.compile(r"(\S+)$")
_NEXT_WORD = re.compile(r"[\"'“‘«(\[]*([\w’']+)")
_LOOK_AROUND = 64


def _units(text: str) -> list[str]:
    """Paragraphs, list items and headings, each as one line of text."""
    units: list[str] = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n")):
        current: list[str] = []
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        for index, line in enumerate(lines):
            marker = _LIST_MARKER.match(line)
            is_heading = (
                not current
                and index + 1 < len(lines)
                and not _TERMINAL.search(line)
                and len(line.split()) <= 12
                and lines[index + 1][:1].isupper()
            )
            if marker or is_heading:
                if current:
                    units.append(" ".join(current))
                current = [line[marker.end() :] if marker else line]
                if is_heading:
                    units.append(current.pop())
            else:
                current.append(line)
        if current:
            units.append(" ".join(current))
    return [u for u in units if u.strip()]


def _ends_sentence(unit: str, match: re.Match[str]) -> bool:
    """Whether the punctuation in ``match`` ends a sentence inside ``unit``.

    Looks at most ``_LOOK_AROUND`` characters either side, so splitting stays linear.
    """
    if match.group(4):
        return True
    end = match.end()
    if end >= len(unit):
        return True
    first = unit[end]
    if first.islower():
        return False
    punctuation = match.group(1)
    if "." not in punctuation or len(punctuation) > 1:
        return True
    stop = match.start(1) + 1
    before = _WORD_BEFORE.search(unit, max(0, stop - _LOOK_AROUND), stop)
    token = before.group(1).lstrip("\"'“‘«([") if before else ""
    bare = token[:-1].lower()
    next_word = _NEXT_WORD.match(unit, end, end + _LOOK_AROUND)
    starter = next_word is not None and next_word.group(1).lower() in _STARTERS
    if bare in _TITLES:
        return False
    if bare in _BEFORE_NUMBER and first.isdigit():
        return False
    if _SINGLE_INITIAL.match(token):
        return False
    if _INITIALISM.match(token) or bare in _SOFT_ENDERS:
        return starter
    return True


def _chunk(sentence: str) -> list[str]:
    if len(sentence) <= MAX_SENTENCE_CHARS:
        return [sentence]
    pieces: list[str] = []
    rest = sentence
    while len(rest) > MAX_SENTENCE_CHARS:
        cut = rest.rfind(" ", 0, MAX_SENTENCE_CHARS)
        if cut <= MAX_SENTENCE_CHARS // 2:
            cut = MAX_SENTENCE_CHARS
        pieces.append(rest[:cut].strip())
        rest = rest[cut:].strip()
    if rest:
        pieces.append(rest)
    return pieces


def split_sentences(text: str) -> list[str]:
    """Split ``text`` into sentences, in order, each stripped and non-empty.

    Never raises; text without any sentence punctuation comes back as one sentence per
    paragraph (cut into pieces when longer than ``MAX_SENTENCE_CHARS``).
    """
    sentences: list[str] = []
    for unit in _units(text):
        start = 0
        for match in _CANDIDATE.finditer(unit):
            if _ends_sentence(unit, match):
                end = match.end(5) if match.group(4) else match.end(2)
                sentences.extend(_chunk(unit[start:end].strip()))
                start = match.end()
        sentences.extend(_chunk(unit[start:].strip()))
    return [s for s in sentences if s]

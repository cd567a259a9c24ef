"""Turning possibly-HTML input into plain text, with the standard library's ``html.parser``.

Script, style and other non-content elements are dropped; block elements become line breaks so
that paragraphs and list items stay apart; entities are decoded. Text that contains no tag is
returned unchanged, so a literal ``a < b`` in plain text survives.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(\s[^<>]*)?/?>|<!--")
_SKIPPED = frozenset({"script", "style", "noscript", "template", "svg", "iframe", "object"})
_BLOCKS = frozenset(
    {
        "p", "div", "br", "li", "ul", "ol", "tr", "td", "th", "table", "section", "article",
        "header", "footer", "nav", "aside", "main", "h1", "h2", "h3", "h4", "h5", "h6",
        "blockquote", "pre", "hr", "dd", "dt", "dl", "figcaption", "title", "form",
    }
)  # fmt: skip
_SPACES = re.compile(r"[ \t\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n\s*(\n\s*)*")


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self._skipping += 1
        elif tag in _BLOCKS:
            self.parts.append("\n\n" if tag != "li" and tag != "br" else "\n")
            if tag == "li":
                self.parts.append("- ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n\n" if tag != "li" else "\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def looks_like_html(text: str) -> bool:
    """True when ``text`` contains something shaped like a tag or an HTML comment."""
    return _TAG.search(text) is not None


def normalize_whitespace(text: str) -> str:
    """Collapse runs of spaces, keep single line breaks and paragraph breaks, strip the ends."""
    lines = [_SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def to_plain_text(text: str) -> str:
    """Plain text of ``text``: tags removed when it looks like HTML, whitespace normalised.

    Never raises; malformed markup yields whatever text the parser recovered.
    """
    if looks_like_html(text):
        extractor = _TextExtractor()
        extractor.feed(text)
        extractor.close()
        text = "".join(extractor.parts)
    return normalize_whitespace(text)

"""User intent: what the person behind a text (typically a query or a page) wants to do.

Each intent is a prototype: a short phrase (reported as the intent's name), one of the five
search-intent categories, and a description that is embedded once. A text's intent is the
prototype with the highest adjusted similarity:

    cosine(text, description) + cue bonus of its category (+ an informational prior for long text)

Cue bonuses come from surface signals, following common search-intent labelling guidelines:
purchase and action language, prices and deals ("buy", "order", "price", "coupon", "download")
are transactional; reviews and comparisons ("review", "vs", "compare", "alternatives") are
commercial investigation; proximity ("near me", "open now", "nearest") is local; a destination
("login", "account", "official site", a domain, a subreddit or a well-known site name) is
navigational; a question word, a question mark or "guide"/"tips" is informational. Cues weigh
less in long texts, where such words are incidental.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray


class IntentCategory(StrEnum):
    """The search-intent categories of the result's ``user_intent.category``."""

    INFORMATIONAL = "informational"
    NAVIGATIONAL = "navigational"
    TRANSACTIONAL = "transactional"
    COMMERCIAL = "commercial"
    LOCAL = "local"


@dataclass(frozen=True)
class IntentPrototype:
    """One intent: reported ``name``, its ``category``, and the ``description`` to embed."""

    name: str
    category: IntentCategory
    description: str


_I, _N, _T, _C, _L = (
    IntentCategory.INFORMATIONAL,
    IntentCategory.NAVIGATIONAL,
    IntentCategory.TRANSACTIONAL,
    IntentCategory.COMMERCIAL,
    IntentCategory.LOCAL,
)

PROTOTYPES: tuple[IntentPrototype, ...] = (
    IntentPrototype(
        "learn about a topic", _I, "learn about a topic: facts, explanation, background"
    ),
    IntentPrototype(
        "find out how to do something", _I, "how to do something: a guide, tutorial, steps"
    ),
    IntentPrototype("read the news", _I, "read news: what happened, a report on recent events"),
    IntentPrototype("get an answer to a question", _I, "what is it, why, when, who: a question"),
    IntentPrototype("visit a specific website", _N, "go to a specific website or its homepage"),
    IntentPrototype("log in to an account", _N, "log in or sign in to an online account"),
    IntentPrototype("buy a product", _T, "buy a product online: order, add to cart, checkout"),
    IntentPrototype("book or reserve", _T, "book tickets, reserve a table, make a reservation"),
    IntentPrototype("download or sign up", _T, "download an app, subscribe, sign up for a service"),
    IntentPrototype("compare products", _C, "compare products and prices: which one is better"),
    IntentPrototype("read reviews", _C, "read reviews and ratings of the best products"),
    IntentPrototype("find a place nearby", _L, "find a store, restaurant or service near me"),
    IntentPrototype("get directions or opening hours", _L, "directions, address, opening hours"),
)

CUE_BONUS = 0.15
LONG_TEXT_WORDS = 60
INFORMATIONAL_PRIOR = 0.05

_SITES = (
    "youtube facebook instagram twitter tiktok linkedin reddit wikipedia amazon ebay netflix "
    "gmail google yahoo bing outlook hotmail spotify pinterest whatsapp paypal craigslist "
    "walmart target espn cnn bbc imdb github zoom hulu twitch etsy airbnb uber chase steam "
    "canva notion duolingo openai tesla irs doordash costco"
)
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class _Cues:
    """The surface cues of one category, checked against a lowercased text."""

    words: frozenset[str]
    """Cue words: each counts where it is a whole run of word characters."""
    signals: tuple[tuple[str, re.Pattern[str]], ...]
    """Other cues: a pattern, after a substring that any match holds (a cheap first test)."""

    def found_in(self, lowered: str, words: set[str]) -> bool:
        """Whether ``lowered``, whose runs of word characters are ``words``, holds a cue."""
        if not self.words.isdisjoint(words):
            return True
        return any(gate in lowered and pattern.search(lowered) for gate, pattern in self.signals)


def _cues(
    words: str, phrases: tuple[str, ...] = (), patterns: tuple[tuple[str, str], ...] = ()
) -> _Cues:
    """Cues from space-separated ``words``, ``phrases`` of whole words and other ``patterns``.

    ``patterns`` pair a substring that every match holds with the regular expression.
    """
    signals = [(phrase, re.compile(rf"\b{re.escape(phrase)}\b")) for phrase in phrases]
    signals += [(gate, re.compile(pattern)) for gate, pattern in patterns]
    return _Cues(frozenset(words.split()), tuple(signals))


_CUES: dict[IntentCategory, _Cues] = {
    _T: _cues(
        "buy order purchase checkout cart coupon coupons discount deal deals shop subscribe "
        "subscription download install book booking reserve ticket tickets price prices "
        "pricing cost cheap cheapest quote restock plans",
        ("promo code", "promo codes", "for sale", "sign up", "free shipping", "apply for"),
    ),
    _C: _cues(
        "review reviews rated rating ratings vs versus compare compared comparison "
        "alternative alternatives specs",
        ("worth it", "pros and cons"),
        (("top ", r"\btop \d+\b"),),
    ),
    _L: _cues(
        "nearby near nearest closest directions hours address downtown location locations",
        ("near me", "open now", "opening hours", "in my area"),
    ),
    _N: _cues(
        "login website homepage www account portal docs " + _SITES,
        ("log in", "sign in", "official site", "home page", "customer service", "web player"),
        ((".", r"\.(com|org|net|io|co\.uk|gov)\b"), ("r/", r"\br/\w")),
    ),
    _I: _cues(
        "guide tutorial meaning definition history explained facts ideas tips examples",
        patterns=(
            ("", r"^(what|how|why|when|who|where|which|is|are|can|does|do|should)\b"),
            ("?", r"\?"),
        ),
    ),
}


def _word_runs(pieces: list[str]) -> set[str]:
    """The runs of word characters in whitespace-separated ``pieces``.

    Most pieces are one run already; only the others (punctuation, "_") go through the regex.
    """
    distinct = set(pieces)
    runs = {piece for piece in distinct if piece.isalnum()}
    runs.update(_WORD.findall(" ".join(piece for piece in distinct if not piece.isalnum())))
    return runs


def cue_bonus(text: str) -> dict[IntentCategory, float]:
    """The bonus each category earns from surface cues in ``text`` (0 when none)."""
    lowered = text.lower().strip()
    pieces = lowered.split()
    words = len(pieces)
    weight = 1.0 if words <= 12 else 0.5 if words <= LONG_TEXT_WORDS else 0.25
    bonus = {category: 0.0 for category in IntentCategory}
    runs = _word_runs(pieces)
    for category, cues in _CUES.items():
        if cues.found_in(lowered, runs):
            bonus[category] = CUE_BONUS * weight
    if words > LONG_TEXT_WORDS:
        bonus[_I] += INFORMATIONAL_PRIOR
    return bonus


def choose_intent(text: str, cosines: NDArray[np.float32]) -> tuple[IntentPrototype, float]:
    """The best prototype for ``text`` and its adjusted similarity.

    ``cosines`` are the cosines of the text's embedding to ``PROTOTYPES``' descriptions, row
    for row. Ties go to the earlier prototype.
    """
    bonus = cue_bonus(text)
    adjusted = [float(c) + bonus[p.category] for c, p in zip(cosines, PROTOTYPES, strict=True)]
    best = int(np.argmax(np.array(adjusted)))
    return PROTOTYPES[best], adjusted[best]

"""Surface cues of user intent, and how they shift the chosen prototype."""

from __future__ import annotations

import numpy as np
import pytest

from zgpu.nlm.tasks.intent import (
    CUE_BONUS,
    INFORMATIONAL_PRIOR,
    PROTOTYPES,
    IntentCategory,
    choose_intent,
    cue_bonus,
)

_I, _N, _T, _C, _L = (
    IntentCategory.INFORMATIONAL,
    IntentCategory.NAVIGATIONAL,
    IntentCategory.TRANSACTIONAL,
    IntentCategory.COMMERCIAL,
    IntentCategory.LOCAL,
)


def _cued(text: str) -> set[IntentCategory]:
    return {category for category, bonus in cue_bonus(text).items() if bonus > 0}


@pytest.mark.parametrize(
    ("query", "categories"),
    [
        ("best deals, today", {_T}),
        ("cheap flights to rome", {_T}),
        ("Promo Codes for shoes", {_T}),
        ("iphone vs. pixel", {_C}),
        ("top 10 laptops", {_C}),
        ("pros and cons of solar", {_C}),
        ("pizza near me", {_L}),
        ("costco hours", {_N, _L}),
        ("netflix login", {_N}),
        ("r/python", {_N}),
        ("example.co.uk", {_N}),
        ("what is it", {_I}),
        ("Is it worth it", {_I, _C}),
        ("buyer guide", {_I}),
    ],
)
def test_cues_name_their_categories(query: str, categories: set[IntentCategory]) -> None:
    assert _cued(query) == categories


@pytest.mark.parametrize(
    "query", ["designing a garden", "interior design in paris", "top 10s", "so what is it", ""]
)
def test_cues_count_only_as_whole_words(query: str) -> None:
    assert _cued(query) == set()


def test_cues_weigh_less_in_longer_texts_and_long_texts_lean_informational() -> None:
    assert cue_bonus("buy shoes")[_T] == CUE_BONUS
    assert cue_bonus("buy shoes " + "word " * 20)[_T] == CUE_BONUS * 0.5
    long_bonus = cue_bonus("buy shoes " + "word " * 80)
    assert long_bonus[_T] == CUE_BONUS * 0.25
    assert long_bonus[_I] == INFORMATIONAL_PRIOR


def test_choose_intent_adds_the_cue_bonus_and_breaks_ties_to_the_earlier() -> None:
    flat = np.full(len(PROTOTYPES), 0.3, dtype=np.float32)
    assert choose_intent("the garden", flat)[0] == PROTOTYPES[0]
    prototype, similarity = choose_intent("buy a garden hose", flat)
    assert prototype.category is _T
    assert similarity == pytest.approx(0.3 + CUE_BONUS)

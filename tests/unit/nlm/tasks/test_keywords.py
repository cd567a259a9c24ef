"""Keyphrase candidates look like noun phrases."""

from __future__ import annotations

from zgpu.nlm.tasks.keywords import candidate_phrases, singular
from zgpu.nlm.tasks.stopwords import STOPWORDS

TEXT = (
    "Apple's newest models pair a brighter screen with longer battery life. You refill half "
    "the tank in ten minutes, and the batteries last longer than last year's battery. "
    "Anchor tenants include Primark."
)


def test_candidates_are_noun_phrase_like() -> None:
    candidates = candidate_phrases(TEXT)
    assert "brighter screen" in candidates
    assert "longer battery life" in candidates
    for partial in ("newest models pair", "models pair", "refill half", "anchor tenants include"):
        assert partial not in candidates
    for phrase in candidates:
        words = phrase.split()
        assert words[0] not in STOPWORDS
        assert words[-1] not in STOPWORDS


def test_plural_and_singular_are_one_candidate() -> None:
    candidates = candidate_phrases(TEXT)
    assert sum(c in ("battery", "batteries") for c in candidates) == 1
    assert singular("batteries") == "battery"
    assert singular("phones") == "phone"
    assert singular("glass") == "glass"


def test_candidates_are_capped_and_empty_texts_give_none() -> None:
    long_text = " ".join(f"word{i} topic{i}" for i in range(500))
    assert len(candidate_phrases(long_text)) == 40
    assert candidate_phrases("😀 ?! 12 34") == []

"""Keyphrase candidates look like noun phrases."""

from __future__ import annotations

import re
import sys

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


def test_punctuation_dashes_and_quotes_end_a_phrase() -> None:
    candidates = candidate_phrases("Solar panels, battery storage and wind farms.")
    assert "battery storage" in candidates
    assert "storage and wind" in candidates
    assert "panels battery" not in candidates
    assert "cars battery" not in candidate_phrases("Electric cars - battery prices fell")
    assert candidate_phrases("rock 'n' roll bands") == ["rock", "roll bands", "roll", "bands"]


def test_each_chunk_lowercases_on_its_own() -> None:
    # A final sigma before a full stop stays final, as in the chunk "ΑΣ" alone.
    assert candidate_phrases("ΑΣ.ΒΓ") == ["ας", "βγ"]


def test_cjk_runs_are_cut_into_pairs_and_joined_without_spaces() -> None:
    candidates = candidate_phrases("北京大学图书馆")
    assert candidates[:3] == ["北京大学图书", "北京大学", "北京"]
    assert "battery 电池 prices" in candidate_phrases("battery 电池 prices")


def test_a_candidate_is_reported_in_its_most_frequent_form() -> None:
    text = "Batteries last. The battery died. Batteries again."
    assert candidate_phrases(text) == ["batteries", "died"]


def test_lowercasing_keeps_word_characters_word_characters() -> None:
    """What the fast word split relies on, checked on every code point.

    Lowercasing a word character, apostrophe, "&" or hyphen gives such characters again, except
    for "İ", whose combining dot is no word character; and ``str.isspace`` is ``\\s``.
    """
    everything = "".join(map(chr, range(sys.maxunicode + 1)))
    word_char = re.compile(r"[\w'’&-]")
    changed = [c for c in word_char.findall(everything) if c.lower() != c]
    odd = [c for c in changed if c != "İ" and not all(word_char.match(x) for x in c.lower())]
    assert odd == []
    assert "İ".lower() == "i\u0307"
    assert word_char.match("\u0307") is None
    assert re.findall(r"\s", everything) == list(filter(str.isspace, everything))

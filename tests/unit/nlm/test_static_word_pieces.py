"""``WordPieces`` gives exactly the tokenizer's ids for the phrases it handles."""

from __future__ import annotations

import pytest
from tokenizers import Tokenizer

from zgpu.nlm.build import EncoderArtifact
from zgpu.nlm.static.word_pieces import PHRASE_CHARS, WordPieces
from zgpu.nlm.tasks.keywords import candidate_phrases

from .conftest import EVAL_TEXTS

PHRASES = (
    "battery life",
    "wi-fi router",
    "rock & roll",
    "o'brien's pub",
    "snake_case name",
    "café naïve ångström",
    "东京 塔",
    "東京タワー",
    "서울 지하철",
    "ΟΔΟΣ οδός",
    "x" * 150,
    "covid-19 vaccine 2nd dose",
    "’tis the season",
)
REFUSED = ("", " leading space", "two  spaces", "comma, here", "end.", "tab\there", "a" * 201)


@pytest.fixture(scope="module")
def tokenizer(encoder_artifact: EncoderArtifact) -> Tokenizer:
    loaded = Tokenizer.from_file(str(encoder_artifact.tokenizer_path))
    loaded.no_padding()
    loaded.no_truncation()
    return loaded


def expected(tokenizer: Tokenizer, text: str) -> list[int]:
    return list(tokenizer.encode(text, add_special_tokens=False).ids)


def test_handled_phrases_get_the_tokenizers_ids(tokenizer: Tokenizer) -> None:
    pieces = WordPieces(tokenizer)
    candidates = [p for text in EVAL_TEXTS for p in candidate_phrases(text)]
    for phrases in (PHRASES, candidates, PHRASES):  # the last pass is served from the cache
        got = pieces.phrase_ids(list(phrases))
        assert got == [expected(tokenizer, p) for p in phrases]


def test_other_texts_are_left_to_the_tokenizer(tokenizer: Tokenizer) -> None:
    assert len(REFUSED[-1]) > PHRASE_CHARS
    assert WordPieces(tokenizer).phrase_ids(list(REFUSED)) == [None] * len(REFUSED)


def test_a_full_cache_starts_over_and_stays_exact(tokenizer: Tokenizer) -> None:
    pieces = WordPieces(tokenizer, capacity=3)
    for _ in range(3):
        assert pieces.phrase_ids(list(PHRASES)) == [expected(tokenizer, p) for p in PHRASES]
    with pytest.raises(ValueError, match="capacity"):
        WordPieces(tokenizer, capacity=0)

"""``JsonTokenCounter`` against the model's own tokenizer on whole JSON documents."""

from __future__ import annotations

import json

import pytest
from tokenizers import Tokenizer

from zgpu.nlm.build import EncoderArtifact
from zgpu.nlm.json_tokens import JsonTokenCounter
from zgpu.nlm.window import ContextWindow

from .conftest import EVAL_TEXTS

AWKWARD = (
    "",
    " ",
    'say "hi"',
    "back\\slash",
    "tab\there\nnewline\r",
    "naïve café Ångström",
    "東京の天気は晴れ",
    "emoji 😂👍🏽 and ZWJ 👩‍👩‍👧",
    "\u0000nul \u007f del \u0085 nel \ufffd",
    "x" * 150,
    "a-b_c.d/e:f,g{h}[i]",
    "1.5e-07",
)


@pytest.fixture(scope="module")
def window(encoder_artifact: EncoderArtifact) -> ContextWindow:
    return ContextWindow(Tokenizer.from_file(str(encoder_artifact.tokenizer_path)))


def compact(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def test_counts_equal_the_whole_document_count(window: ContextWindow) -> None:
    counter = JsonTokenCounter(window.count)
    values: list[object] = [
        {},
        [],
        {"a": []},
        [[], {}, [{}]],
        {"text": list(AWKWARD), "scores": [0.0, 1.0, 0.8123, -3, 10**12, 1e-7], "ok": True},
        {key: None for key in AWKWARD},
        [{"id": 635, "name": text, "score": 0.5, "flag": False} for text in EVAL_TEXTS],
    ]
    for value in values:
        assert counter.tokens(value) == window.count(compact(value)), compact(value)[:80]
        assert counter.tokens(value) == window.count(compact(value))  # from the cache


def test_rejects_what_json_cannot_encode(window: ContextWindow) -> None:
    counter = JsonTokenCounter(window.count)
    with pytest.raises(TypeError, match="set"):
        counter.tokens({"a": {1, 2}})
    with pytest.raises(ValueError, match="Out of range"):
        counter.tokens([float("nan")])
    with pytest.raises(ValueError, match="capacity"):
        JsonTokenCounter(window.count, capacity=0)


def test_a_full_cache_starts_over_and_stays_exact(window: ContextWindow) -> None:
    counter = JsonTokenCounter(window.count, capacity=3)
    value = {"first": "alpha beta", "second": ["gamma", "delta epsilon", 42]}
    for _ in range(3):
        assert counter.tokens(value) == window.count(compact(value))

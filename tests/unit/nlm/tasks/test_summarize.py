"""Extractive summaries: sentences of the input (asides deleted), in order, within budget."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest
from numpy.typing import NDArray

from zgpu.nlm.tasks.protocols import TextEncoder
from zgpu.nlm.tasks.sentences import split_sentences
from zgpu.nlm.tasks.summarize import (
    DEFAULT_CONFIG,
    ELLIPSIS,
    SummaryConfig,
    candidate_sentences,
    summarize,
    summary_length,
)
from zgpu.nlm.tasks.summary_readability import is_dependent

ARTICLE = (
    "The city council voted on Tuesday to build a new light rail line connecting the airport "
    "to the downtown business district. The line will cost an estimated $2.1 billion and is "
    "expected to open in 2031. Mayor Lisa Chen said the project would cut commuting times in "
    "half for thousands of residents. Construction is set to begin next spring, after a final "
    "environmental review. Opponents argued that the money would be better spent on buses. "
    "They also questioned whether ridership forecasts were realistic. The council rejected an "
    "amendment that would have delayed the vote by six months. Transit officials plan to hold "
    "public meetings on station designs this summer. The federal government has promised to "
    "cover about a third of the cost. Local businesses near the planned stations welcomed the "
    "decision. Property prices along the route have already started to rise. The vote passed "
    "nine to four after a four-hour debate."
)


def test_news_article_gives_a_few_whole_sentences_in_order(text_encoder: TextEncoder) -> None:
    sentences = split_sentences(ARTICLE)
    summary = summarize(ARTICLE, text_encoder)
    chosen = split_sentences(summary)
    assert 2 <= len(chosen) <= summary_length(len(sentences)) == 3
    assert sum(len(s.split()) for s in chosen[:-1]) < DEFAULT_CONFIG.word_budget
    positions = [sentences.index(s) for s in chosen]
    assert positions == sorted(positions)
    assert summary == " ".join(chosen)


def test_no_dangling_pronoun_without_its_antecedent(text_encoder: TextEncoder) -> None:
    sentences = split_sentences(ARTICLE)
    for count in (1, 2, 3, 4, 6):
        config = SummaryConfig(count=count, word_budget=10_000)
        chosen = split_sentences(summarize(ARTICLE, text_encoder, config=config))
        assert len(chosen) == count
        for sentence in chosen:
            position = sentences.index(sentence)
            if is_dependent(sentence):
                assert sentences[position - 1] in chosen


def test_news_boilerplate_never_reaches_the_summary(text_encoder: TextEncoder) -> None:
    text = (
        "Washington (CNN) -- " + ARTICLE + " CNN's Jane Doe contributed to this report. "
        "Copyright 2031 Cable News. All rights reserved."
    )
    summary = summarize(text, text_encoder, config=SummaryConfig(count=6, word_budget=10_000))
    assert "CNN" not in summary
    assert "rights reserved" not in summary
    assert summary.startswith("The city council voted")


def test_respects_max_output_tokens(text_encoder: TextEncoder) -> None:
    full = summarize(ARTICLE, text_encoder)
    budget = text_encoder.count_tokens(full) - 5
    shorter = summarize(ARTICLE, text_encoder, max_output_tokens=budget)
    assert text_encoder.count_tokens(shorter) <= budget
    assert set(split_sentences(shorter)) < set(split_sentences(full))


def test_cuts_one_sentence_at_a_word_boundary(text_encoder: TextEncoder) -> None:
    summary = summarize(ARTICLE, text_encoder, max_output_tokens=8)
    assert summary.endswith(ELLIPSIS)
    assert text_encoder.count_tokens(summary) <= 8
    words = summary[: -len(ELLIPSIS)].split()
    assert words
    assert " ".join(words) in ARTICLE


def test_short_inputs(text_encoder: TextEncoder) -> None:
    assert summarize("Hello", text_encoder) == "Hello"
    assert summarize("  Hello  ", text_encoder) == "Hello"
    one = "The council approved the budget on Tuesday."
    assert summarize(one, text_encoder) == one
    assert summarize("", text_encoder) == ""
    assert summarize("😀🎉", text_encoder) == "😀🎉"


def test_short_paragraph_gives_one_sentence(text_encoder: TextEncoder) -> None:
    paragraph = (
        "The museum reopens on Saturday after a two-year renovation. Visitors can see the new "
        "dinosaur hall. Tickets are free for children."
    )
    assert len(split_sentences(summarize(paragraph, text_encoder))) == 1


def test_html_input_is_summarized_as_text(text_encoder: TextEncoder) -> None:
    html = "<article><h1>Rail line approved</h1><p>" + ARTICLE + "</p></article>"
    summary = summarize(html, text_encoder)
    assert "<" not in summary
    assert summary
    assert "Rail line approved" not in summary
    assert set(split_sentences(summary)) <= set(split_sentences(ARTICLE))


@pytest.mark.parametrize("length", [100_000])
def test_very_long_input_does_not_fail(text_encoder: TextEncoder, length: int) -> None:
    base = [f"Report {i} says item {i} costs {i * 3} dollars in the market." for i in range(400)]
    text = " ".join(base)
    text = (text * (length // len(text) + 1))[:length]
    summary = summarize(text, text_encoder, max_output_tokens=60)
    assert summary
    assert text_encoder.count_tokens(summary) <= 60


def test_deterministic(text_encoder: TextEncoder) -> None:
    first = summarize(ARTICLE, text_encoder)
    assert all(summarize(ARTICLE, text_encoder) == first for _ in range(5))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "word",
        "😀🎉🔥",
        "<html><head><script>alert(1)</script><style>p{}</style></head><body><div><p>Les prix "
        "ont augmenté de 3 % en mars.</p><ul><li>Pain</li><li>Lait</li></ul></div></body></html>",
        "Die Regierung hat am Montag einen neuen Haushalt beschlossen. Er sieht höhere Ausgaben "
        "für Schulen vor. Die Opposition kritisierte den Plan scharf. Eine Abstimmung folgt.",
        "東京都は新しい計画を発表した。計画は来年始まる。住民は歓迎している。",
        "...",
        "\n\n  \t ",
        "a" * 5000,
    ],
)
def test_edge_inputs_never_raise(text_encoder: TextEncoder, text: str) -> None:
    summary = summarize(text, text_encoder)
    assert isinstance(summary, str)
    assert bool(summary) == bool(text.strip())
    limited = summarize(text, text_encoder, max_output_tokens=5)
    assert text_encoder.count_tokens(limited) <= 5


def test_summary_sentences_lose_asides_but_keep_attributions(text_encoder: TextEncoder) -> None:
    lead = (
        "The city council voted on Tuesday to build a new light rail line (the first in the "
        "state) connecting the airport to the downtown business district, officials said."
    )
    text = lead + " " + ARTICLE.split(". ", 1)[1]
    summary = summarize(text, text_encoder)
    assert summary.startswith(
        "The city council voted on Tuesday to build a new light rail line connecting the "
        "airport to the downtown business district, officials said."
    )
    assert "(the first" not in summary
    whole = summarize(text, text_encoder, config=SummaryConfig(compress=False))
    assert whole.startswith(lead)
    assert set(split_sentences(whole)) <= set(split_sentences(text))


class RecordingEncoder:
    """A ``TextEncoder`` that passes every call to ``inner`` and records the texts embedded."""

    def __init__(self, inner: TextEncoder) -> None:
        self.inner = inner
        self.embedded: list[str] = []

    @property
    def max_tokens(self) -> int:
        return self.inner.max_tokens

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        self.embedded.extend(texts)
        return self.inner.embed(texts)

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    def truncate(self, text: str, max_tokens: int) -> tuple[str, int]:
        return self.inner.truncate(text, max_tokens)


def test_with_a_fast_encoder_the_encoder_embeds_only_the_lead_window(
    text_encoder: TextEncoder,
) -> None:
    accurate, fast = RecordingEncoder(text_encoder), RecordingEncoder(text_encoder)
    summary = summarize(ARTICLE, accurate, fast_encoder=fast)
    sentences = candidate_sentences(ARTICLE)
    window = DEFAULT_CONFIG.lead_window
    assert window is not None
    assert len(sentences) > window
    assert accurate.embedded == sentences[:window]
    assert fast.embedded == sentences
    # The same model in both roles chooses exactly what it chooses alone.
    assert summary == summarize(ARTICLE, text_encoder)


def test_the_lead_window_only_embeds_what_it_compares(text_encoder: TextEncoder) -> None:
    alone = RecordingEncoder(text_encoder)
    summarize(ARTICLE, alone, config=SummaryConfig(lead_window=2))
    assert alone.embedded == candidate_sentences(ARTICLE)  # one call, every sentence once
    for window in (None, 1, 2, 100):
        summary = summarize(ARTICLE, text_encoder, config=SummaryConfig(lead_window=window))
        assert summary.startswith("The city council voted")
        assert set(split_sentences(summary)) <= set(split_sentences(ARTICLE))

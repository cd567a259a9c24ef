"""Sentence selection: readability constraints, budget and order, on hand-made inputs."""

from __future__ import annotations

import numpy as np
import pytest

from zgpu.nlm.tasks.summary_readability import (
    dependent_mask,
    is_dependent,
    is_fragment,
    is_question,
    standalone_mask,
)
from zgpu.nlm.tasks.summary_salience import (
    SalienceWeights,
    centrality,
    lead_similarity,
    salience,
)
from zgpu.nlm.tasks.summary_selection import select_sentences


@pytest.mark.parametrize(
    "sentence",
    [
        "He said the plan would work.",
        "It was the first time.",
        "But the council disagreed.",
        '"They will pay," she said.',
        "This is why it matters.",
        "However, the vote failed.",
    ],
)
def test_dependent_openers(sentence: str) -> None:
    assert is_dependent(sentence)


def test_independent_openers() -> None:
    assert not is_dependent("Heather said the plan would work.")
    assert not is_dependent("The council disagreed.")
    assert not is_dependent("Italy won the match.")


@pytest.mark.parametrize(
    "sentence",
    [
        "and then it rained hard all day.",
        "Breaking News",
        "Facts are facts.",
        '"Hillary Clinton would do better.',
        "“We will win, and we will keep going.",
        "... the rest of the report.",
    ],
)
def test_fragments(sentence: str) -> None:
    assert is_fragment(sentence)


def test_complete_sentences_are_not_fragments() -> None:
    assert not is_fragment('"We will win," he said on Monday.')
    assert not is_fragment("The council approved the budget.")
    assert is_question("So why is he taking Ellie instead?")
    assert is_question('She asked, "Why now?"')


def test_masks() -> None:
    sentences = ["The council met.", "It voted no on the plan.", "Why?", "Members went home early."]
    assert standalone_mask(sentences).tolist() == [False, True, False, True]
    assert dependent_mask(sentences).tolist() == [False, True, False, False]
    assert dependent_mask(["It rained all day long."]).tolist() == [False]


def _inputs(count: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    similarity = np.eye(count, dtype=np.float32)
    words = np.full(count, 10, dtype=np.int64)
    standalone = np.ones(count, dtype=np.bool_)
    return similarity, words, standalone


def test_dependent_needs_its_antecedent() -> None:
    similarity, words, standalone = _inputs(4)
    dependent = np.array([False, False, True, False])
    scores = np.array([0.1, 0.2, 0.9, 0.5])
    chosen = select_sentences(
        scores, similarity, words, standalone, dependent, count=3, word_budget=100, redundancy=0.9
    )
    assert chosen == [3, 1, 2]


def test_budget_count_and_redundancy() -> None:
    similarity, words, standalone = _inputs(5)
    similarity[0, 1] = similarity[1, 0] = 0.95
    dependent = np.zeros(5, dtype=np.bool_)
    scores = np.array([0.9, 0.8, 0.7, 0.6, 0.5])
    pick = select_sentences(
        scores, similarity, words, standalone, dependent, count=5, word_budget=25, redundancy=0.8
    )
    assert pick == [0, 2, 3]
    pick = select_sentences(
        scores, similarity, words, standalone, dependent, count=2, word_budget=999, redundancy=0.8
    )
    assert pick == [0, 2]


def test_only_fragments_still_gives_a_sentence() -> None:
    similarity, words, _ = _inputs(3)
    standalone = np.zeros(3, dtype=np.bool_)
    dependent = np.zeros(3, dtype=np.bool_)
    scores = np.array([0.1, 0.3, 0.2])
    pick = select_sentences(
        scores, similarity, words, standalone, dependent, count=1, word_budget=5, redundancy=0.8
    )
    assert pick == [1]


def test_salience_prefers_the_lead_and_the_central() -> None:
    similarity = np.array(
        [[1.0, 0.2, 0.2, 0.2], [0.2, 1.0, 0.7, 0.7], [0.2, 0.7, 1.0, 0.7], [0.2, 0.7, 0.7, 1.0]],
        dtype=np.float32,
    )
    degree = centrality(similarity, SalienceWeights())
    assert degree.argmax() == 1
    assert degree.min() == 0.0
    scores = salience(similarity, SalienceWeights())
    assert scores[1] > scores[2] > scores[3]
    assert centrality(np.ones((1, 1), dtype=np.float32), SalienceWeights()).tolist() == [0.0]


def test_short_sentences_keep_only_their_share_of_the_lead() -> None:
    similarity = np.eye(3, dtype=np.float32)
    weights = SalienceWeights(lead_similarity_weight=0.0)
    words = np.array([3, 20, 20], dtype=np.int64)
    scores = salience(similarity, weights, words)
    assert scores[1] > scores[0]
    assert scores[1] > scores[2]
    full = salience(similarity, weights)
    assert full[0] > full[1] > full[2]
    with pytest.raises(ValueError, match="word counts"):
        salience(similarity, weights, np.array([5, 5], dtype=np.int64))


def test_sentences_about_the_lead_rank_above_asides() -> None:
    similarity = np.array(
        [[1.0, 0.1, 0.8, 0.1], [0.1, 1.0, 0.1, 0.1], [0.8, 0.1, 1.0, 0.1], [0.1, 0.1, 0.1, 1.0]],
        dtype=np.float32,
    )
    words = np.full(4, 20, dtype=np.int64)
    scores = salience(
        similarity, SalienceWeights(lead_decay=4.0, lead_similarity_weight=0.1), words
    )
    assert scores[2] > scores[1]
    assert scores[0] == scores.max()
    assert lead_similarity(np.ones((1, 1), dtype=np.float32)).tolist() == [0.0]
    assert lead_similarity(np.ones((3, 3), dtype=np.float32)).tolist() == [0.0, 0.0, 0.0]


def test_a_lead_window_standardises_within_itself_and_leaves_the_rest_at_zero() -> None:
    similarity = np.eye(6, dtype=np.float32)
    window = np.array([1.0, 0.2, 0.6], dtype=np.float32)
    z = lead_similarity(similarity, window)
    expected = (window - window.mean()) / window.std()
    assert np.allclose(z[:3], expected, atol=1e-6)
    assert z[3:].tolist() == [0.0, 0.0, 0.0]
    assert lead_similarity(similarity, window[:1]).tolist() == [0.0] * 6
    with pytest.raises(ValueError, match="lead cosines"):
        lead_similarity(np.eye(2, dtype=np.float32), window)


def test_beyond_the_lead_window_only_the_lead_prior_counts() -> None:
    similarity = np.eye(5, dtype=np.float32)
    similarity[0, 4] = similarity[4, 0] = 0.99
    words = np.full(5, 20, dtype=np.int64)
    weights = SalienceWeights(lead_similarity_weight=0.3)
    window = np.array([1.0, 0.1, 0.1], dtype=np.float32)
    windowed = salience(similarity, weights, words, window)
    assert np.allclose(windowed[3:], np.exp(-np.arange(3, 5) / weights.lead_decay))
    whole = salience(similarity, weights, words)
    assert whole[4] > windowed[4]  # over the whole text, its cosine to the lead lifts it

"""Sentence compression: asides deleted, attributions kept, nothing rewritten."""

from __future__ import annotations

import pytest

from zgpu.nlm.tasks.summary_compression import compress_sentence, compress_sentences


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "The station recorded the temperature (15.5 degrees Celsius) on March 24.",
            "The station recorded the temperature on March 24.",
        ),
        (
            "The dog -- a friendly white-and-black mix now named Theia -- is recovering at "
            "the veterinary hospital in Pullman.",
            "The dog is recovering at the veterinary hospital in Pullman.",
        ),
    ],
)
def test_deletes_asides(sentence: str, expected: str) -> None:
    assert compress_sentence(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        # an acronym is kept: it names what the rest of the text calls it
        "Scientists at the European Organization for Nuclear Research (CERN) finished tests.",
        # attributions stay: without them a reported claim would read as a fact
        "Two of the injured workers are in serious condition, the company said.",
        "Illness has gripped 100 people on the cruise ship, according to a report from the CDC.",
        "The plan takes effect next year, Deputy Minister Ahmadi told state media on Saturday.",
        '"We will rebuild every house on this street," the mayor said.',
        # a relative clause is not an attribution
        "Police said a man was arrested near the station, which was what she said.",
        # attribution inside the sentence, not closing it
        "The suspect, police said, fled the scene in a stolen car.",
        # a leading tag is the cleanup's business, and an opening parenthesis stays
        "(Reuters) A man was arrested on Monday in the city center.",
        # what is left would be too short
        "It rained all day, the national weather service office in Boston said.",
        # unpaired dash
        "Officials said the bridge would reopen in May -- at the earliest.",
    ],
)
def test_leaves_other_sentences_whole(sentence: str) -> None:
    assert compress_sentence(sentence) == sentence


def test_result_is_a_complete_sentence_made_of_the_input_words() -> None:
    sentence = (
        "The city council (which met for four hours) approved the new transit plan -- a $2 "
        "billion light rail line -- on Tuesday, officials said."
    )
    compressed = compress_sentence(sentence)
    assert (
        compressed == "The city council approved the new transit plan on Tuesday, officials said."
    )
    words = [w.strip(",.") for w in sentence.split()]
    positions = [words.index(w.strip(",.")) for w in compressed.split()]
    assert positions == sorted(positions)
    assert compress_sentence(compressed) == compressed


def test_compress_sentences_keeps_order() -> None:
    sentences = ["The vote (held late) passed nine to four on Tuesday.", "Fine."]
    assert compress_sentences(sentences) == ["The vote passed nine to four on Tuesday.", "Fine."]
    assert compress_sentences([]) == []

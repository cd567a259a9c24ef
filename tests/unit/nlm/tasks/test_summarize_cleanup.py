"""News boilerplate is removed before sentences are chosen."""

from __future__ import annotations

import pytest

from zgpu.nlm.tasks.sentences import split_sentences
from zgpu.nlm.tasks.summary_cleanup import clean_sentences, is_boilerplate, strip_dateline


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("(CNN)The court ruled on Monday.", "The court ruled on Monday."),
        ("Washington (CNN) -- The Senate voted.", "The Senate voted."),
        ("Abu Dhabi, United Arab Emirates (CNN)Lost luggage is common.", "Lost luggage is common."),
        ("Rio de Janeiro, Brazil (CNN) -- The game ended.", "The game ended."),
        ("(The Hollywood Reporter)The film will premiere.", "The film will premiere."),
        ("LONDON -- Prices rose.", "Prices rose."),
        (
            "(Only in New York can that happen!) It did.",
            "(Only in New York can that happen!) It did.",
        ),
        ("The council (CNN affiliate WXYZ) said no.", "The council (CNN affiliate WXYZ) said no."),
    ],
)
def test_datelines(sentence: str, expected: str) -> None:
    assert strip_dateline(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "CNN's Jane Doe and John Roe contributed to this report.",
        "Ian Lee reported from Cairo.",
        "Copyright 2015 The Conversation.",
        "All rights reserved.",
        "©2015 The Hollywood Reporter.",
        "Scroll down for video",
        "Click here for more on the show.",
        "READ MORE: Floods hit the coast",
        "Follow @CNNPhotos on Twitter to join the conversation.",
        "Editor's note: The author is a professor.",
        "People we've lost in 2015 .",
        "PUBLISHED: .",
        "By .",
    ],
)
def test_boilerplate(sentence: str) -> None:
    assert is_boilerplate(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "The fire was reported from the roof.",
        "Police said the suspect contributed to a charity.",
        "He was born in 1961.",
        "Wait . . .",
        "The copy editor left.",
    ],
)
def test_content_is_kept(sentence: str) -> None:
    assert not is_boilerplate(sentence)


def test_daily_mail_byline_and_credits_are_dropped() -> None:
    text = (
        "By . Daily Mail Reporter . PUBLISHED: . 12:08 EST, 5 March 2013 . | . UPDATED: . "
        "13:02 EST, 5 March 2013 . A woman has won the lottery twice. She plans to retire. "
        "Scroll down for video . CNN's Jane Doe contributed to this report."
    )
    assert clean_sentences(split_sentences(text)) == [
        "A woman has won the lottery twice.",
        "She plans to retire.",
    ]


def test_all_boilerplate_is_kept_rather_than_nothing() -> None:
    assert clean_sentences(["All rights reserved."]) == ["All rights reserved."]
    assert clean_sentences([]) == []

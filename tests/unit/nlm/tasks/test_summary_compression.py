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
    ("sentence", "expected"),
    [
        (
            "Burns died Thursday after his car hit a mailbox and a tree in Cartersville.",
            "Burns died after his car hit a mailbox and a tree in Cartersville.",
        ),
        (
            "Hicks turned himself in to police Tuesday night, hours after the shooting.",
            "Hicks turned himself in to police, hours after the shooting.",
        ),
        (
            "The crash took place Sunday at the Exotic Driving Experience near Orlando.",
            "The crash took place at the Exotic Driving Experience near Orlando.",
        ),
        # the weekday goes, the attribution stays
        (
            "Five Americans who were exposed to Ebola have been released, a hospital "
            "spokesman said Wednesday.",
            "Five Americans who were exposed to Ebola have been released, a hospital "
            "spokesman said.",
        ),
    ],
)
def test_deletes_bare_weekdays(sentence: str, expected: str) -> None:
    assert compress_sentence(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "The man will be arraigned next month, the district attorney's office said in a "
            "statement.",
            "The man will be arraigned next month, the district attorney's office said.",
        ),
        (
            "Two workers were injured in the blaze, the company said in an email Monday.",
            "Two workers were injured in the blaze, the company said.",
        ),
        (
            "Investigators have collected the main evidence from the site, a police official "
            "told CNN on Saturday.",
            "Investigators have collected the main evidence from the site, a police official "
            "told CNN.",
        ),
        # the day the source spoke is not part of the claim, so a negation does not matter
        (
            "The suspect cannot be extradited until she completes treatment, Maryland police "
            "said Monday.",
            "The suspect cannot be extradited until she completes treatment, Maryland police said.",
        ),
    ],
)
def test_trims_how_and_when_an_attribution_spoke(sentence: str, expected: str) -> None:
    assert compress_sentence(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        # "on" takes its weekday with it, so both stay
        "The city council voted on Tuesday to build a new light rail line.",
        # the weekday completes the word before it
        "The museum will stay closed until Friday for repairs to the roof.",
        "The shooting happened last Monday near the entrance of the mall.",
        "The final vote was Sunday in the old assembly hall downtown.",
        # a date follows: the weekday belongs to it
        "The attack happened Tuesday, March 3, in the center of the capital.",
        "The storm made landfall Saturday 12 miles south of the border.",
        # part of a name
        "Shoppers spent a record $9 billion on Black Friday across the country.",
        "The Supreme Court Monday declined to hear the appeal from the state.",
        # at the end of a sentence the weekday may be all the verb has
        'For "Mad Men," the end of an era, as its slogan has it, begins Sunday.',
        # a possessive weekday is not an aside
        "Officials blamed Tuesday's outage on a failed power line in the city.",
        # negation and "only": dropping the qualifier would make the claim stronger
        "The senator did not vote Monday on the budget bill, aides said.",
        "The bridge reopened only Sunday after weeks of repair work downtown.",
        "The company hasn't paid its workers since the strike began Friday.",
        # quotations are never touched
        '"We will all meet again Friday at the old stadium," the coach said.',
        'The coach said "we will all meet again Friday at the old stadium" after the game.',
        # a mid-sentence attribution medium stays: it is not closing the sentence
        "The company said in a statement that it would appeal the ruling next week.",
    ],
)
def test_keeps_weekdays_that_are_not_asides(sentence: str) -> None:
    assert compress_sentence(sentence) == sentence


@pytest.mark.parametrize(
    "sentence",
    [
        # an acronym is kept: it names what the rest of the text calls it
        "Scientists at the European Organization for Nuclear Research (CERN) finished tests.",
        # attributions stay: without them a reported claim would read as a fact
        "Two of the injured workers are in serious condition, the company said.",
        "Illness has gripped 100 people on the cruise ship, according to a report from the CDC.",
        "The plan takes effect next year, Deputy Minister Ahmadi told state media.",
        '"We will rebuild every house on this street," the mayor said.',
        # a relative clause is not an attribution
        "Police said a man was arrested near the station, which was what she said.",
        # attribution inside the sentence, not closing it
        "The suspect, police said, fled the scene in a stolen car.",
        # a leading tag is the cleanup's business, and an opening parenthesis stays
        "(Reuters) A man was arrested in the city center after a long chase.",
        # what is left would be too short
        "It rained all day, the national weather service office in Boston said.",
        # unpaired dash
        "Officials said the bridge would reopen in May -- at the earliest.",
        # appositives, relative clauses and ages are kept (highlights keep them)
        "Yahya Rashid, a UK national from northwest London, was detained at Luton airport.",
        "Manning, who is serving a 35-year sentence, appears to have joined Twitter.",
        "Carlos Colina, 32, was arraigned on charges of assault and battery.",
        # a restrictive clause is part of what the sentence says
        "The man who shot the officer was arrested near the station hours later.",
        # numbers in a list are not asides
        "The team scored 3, 5, 7 and 9 points in the four quarters of the game.",
    ],
)
def test_leaves_other_sentences_whole(sentence: str) -> None:
    assert compress_sentence(sentence) == sentence


def test_result_is_a_complete_sentence_made_of_the_input_words() -> None:
    sentence = (
        "The city council (which met for four hours) approved the new transit plan -- a $2 "
        "billion light rail line -- Tuesday, officials said in a statement."
    )
    compressed = compress_sentence(sentence)
    assert compressed == "The city council approved the new transit plan, officials said."
    words = [w.strip(",.") for w in sentence.split()]
    positions = [words.index(w.strip(",.")) for w in compressed.split()]
    assert positions == sorted(positions)
    assert compress_sentence(compressed) == compressed


def test_compress_sentences_keeps_order() -> None:
    sentences = ["The vote (held late) passed nine to four on Tuesday.", "Fine."]
    assert compress_sentences(sentences) == ["The vote passed nine to four on Tuesday.", "Fine."]
    assert compress_sentences([]) == []

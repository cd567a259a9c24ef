"""Sentence splitting keeps abbreviations, numbers and quotes together."""

from __future__ import annotations

from zgpu.nlm.tasks.sentences import MAX_SENTENCE_CHARS, split_sentences


def test_abbreviations_times_initialisms_and_decimals() -> None:
    text = "Dr. Smith met Mr. Jones at 3 p.m. in the U.S. on Friday. He said 3.5% was fine."
    assert split_sentences(text) == [
        "Dr. Smith met Mr. Jones at 3 p.m. in the U.S. on Friday.",
        "He said 3.5% was fine.",
    ]


def test_initialism_at_the_end_of_a_sentence() -> None:
    text = "He moved to the U.S. The move was hard. They landed at 5 a.m. Friday morning."
    assert split_sentences(text) == [
        "He moved to the U.S.",
        "The move was hard.",
        "They landed at 5 a.m. Friday morning.",
    ]


def test_quotes_initials_and_numbered_abbreviations() -> None:
    text = (
        'He said "I am done." Then he left. "Stop!" she shouted. J. K. Rowling wrote it, '
        "e.g. the first book. No. 5 was there."
    )
    assert split_sentences(text) == [
        'He said "I am done."',
        "Then he left.",
        '"Stop!" she shouted.',
        "J. K. Rowling wrote it, e.g. the first book.",
        "No. 5 was there.",
    ]


def test_lists_headings_and_paragraphs() -> None:
    text = (
        "Breaking News\nMarkets fell 2.5 percent on Monday.\n\nKey points:\n"
        "- First item here\n* Second item\n1. Numbered one\n2) Numbered two"
    )
    assert split_sentences(text) == [
        "Breaking News",
        "Markets fell 2.5 percent on Monday.",
        "Key points:",
        "First item here",
        "Second item",
        "Numbered one",
        "Numbered two",
    ]


def test_wrapped_lines_are_joined() -> None:
    text = "The committee met on Tuesday and agreed\nto publish the report next week. It did."
    assert split_sentences(text) == [
        "The committee met on Tuesday and agreed to publish the report next week.",
        "It did.",
    ]


def test_chinese_full_stops() -> None:
    assert split_sentences("这是第一句。这是第二句！还有") == [
        "这是第一句。",
        "这是第二句！",
        "还有",
    ]


def test_degenerate_inputs() -> None:
    assert split_sentences("") == []
    assert split_sentences("   \n\n ") == []
    assert split_sentences("word") == ["word"]
    long_run = "word " * 1000
    pieces = split_sentences(long_run)
    assert len(pieces) > 1
    assert all(len(p) <= MAX_SENTENCE_CHARS for p in pieces)
    assert " ".join(pieces).split() == long_run.split()


def test_sentence_ending_inside_quotes() -> None:
    assert split_sentences('He said "Go." Then left.') == ['He said "Go."', "Then left."]
    assert split_sentences("She asked, 'Are you coming?' He said no.") == [
        "She asked, 'Are you coming?'",
        "He said no.",
    ]
    assert split_sentences("“It’s over.” She left.") == ["“It’s over.”", "She left."]


def test_company_suffixes_and_country_initialisms() -> None:
    text = (
        "Apple Inc. said sales rose. Acme Ltd. The firm grew. "
        "He lives in the U.K. The weather is bad. The U.K. Parliament met."
    )
    assert split_sentences(text) == [
        "Apple Inc. said sales rose.",
        "Acme Ltd.",
        "The firm grew.",
        "He lives in the U.K.",
        "The weather is bad.",
        "The U.K. Parliament met.",
    ]


def test_versions_dates_streets_and_initials() -> None:
    text = (
        "Version 2.1.3 shipped at 10 a.m. on Jan. 5. It fixed bugs. "
        "No. 10 Downing St. is where he lives. George R. R. Martin agreed, i.e. he came."
    )
    assert split_sentences(text) == [
        "Version 2.1.3 shipped at 10 a.m. on Jan. 5.",
        "It fixed bugs.",
        "No. 10 Downing St. is where he lives.",
        "George R. R. Martin agreed, i.e. he came.",
    ]


def test_ellipses() -> None:
    assert split_sentences("She's great... she listens. He paused . . . and left. Done.") == [
        "She's great... she listens.",
        "He paused . . . and left.",
        "Done.",
    ]
    assert split_sentences("It ended… Nobody knew why.") == ["It ended…", "Nobody knew why."]


def test_parentheses() -> None:
    text = "(Only in New York can a doctor not afford rent!) The show was a hit (it ran 6 years.)"
    assert split_sentences(text) == [
        "(Only in New York can a doctor not afford rent!)",
        "The show was a hit (it ran 6 years.)",
    ]


def test_bullets_of_any_kind() -> None:
    text = "Prices rose for:\n• Berries, by 80 cents.\n▪ Grapes\n(a) apples\n3) pears"
    assert split_sentences(text) == [
        "Prices rose for:",
        "Berries, by 80 cents.",
        "Grapes",
        "apples",
        "pears",
    ]

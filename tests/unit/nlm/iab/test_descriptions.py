"""Our category descriptions cover every category the classifier scores, and parse strictly."""

from __future__ import annotations

import pytest

from zgpu.nlm.iab import TaxonomyParseError, load_taxonomies, parse_descriptions


def test_every_scored_category_is_described() -> None:
    taxonomies = load_taxonomies()
    described = taxonomies.descriptions
    assert {c.unique_id for c in taxonomies.content_3_1} == set(described.content_3_1)
    topical = [
        c
        for c in taxonomies.content_2_2
        if c.unique_id.isdigit() and c.tiers[0] not in {"Content Language", "Content Source Geo"}
    ]
    assert all(c.unique_id in described.content_2_2 for c in topical)
    interests = [s for s in taxonomies.audience_1_1 if s.tiers[0] == "Interest"]
    assert {s.unique_id for s in interests} == set(described.audience)
    assert all(15 <= len(d.split()) <= 80 for d in described.content_3_1.values())


def test_malformed_files_are_refused() -> None:
    good = "unique_id\tname\tdescription\n1\tAutomotive\tCars and trucks.\n"
    assert parse_descriptions(good, "x.tsv") == {"1": "Cars and trucks."}
    with pytest.raises(TaxonomyParseError):
        parse_descriptions("id\tname\n", "x.tsv")
    with pytest.raises(TaxonomyParseError):
        parse_descriptions(good + "1\tAgain\tRepeated.\n", "x.tsv")
    with pytest.raises(TaxonomyParseError):
        parse_descriptions(good + "2\tEmpty\t\n", "x.tsv")

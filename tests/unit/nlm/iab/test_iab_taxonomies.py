"""The shipped IAB taxonomies parse into the documented shapes and counts."""

from __future__ import annotations

import pytest

from zgpu.nlm.iab import (
    Taxonomies,
    TaxonomyParseError,
    load_taxonomies,
    parse_content_taxonomy,
    parse_iab1_taxonomy,
)


@pytest.fixture(scope="module")
def taxonomies() -> Taxonomies:
    return load_taxonomies()


def test_counts_match_the_published_files(taxonomies: Taxonomies) -> None:
    tiers_1_0 = [c.tier for c in taxonomies.content_1_0]
    assert tiers_1_0.count(1) == 26
    assert tiers_1_0.count(2) == 366
    assert len(taxonomies.content_2_2) == 1196
    assert len(taxonomies.content_3_1) == 704
    assert len(taxonomies.audience_1_1) == 1558
    assert len([c for c in taxonomies.content_2_2 if c.parent_id is None]) == 37


def test_every_parent_exists(taxonomies: Taxonomies) -> None:
    for content in (taxonomies.content_2_2, taxonomies.content_3_1):
        for category in content:
            assert category.parent_id is None or category.parent_id in content
    for segment in taxonomies.audience_1_1:
        assert segment.parent_id is None or segment.parent_id in taxonomies.audience_1_1
    for code in taxonomies.content_1_0:
        assert code.parent_code is None or code.parent_code in taxonomies.content_1_0


# Rows where the official files attach a node to a parent that is not its tier path's parent.
KNOWN_TIER_QUIRKS = {"2.2": {"497"}, "3.1": {"376", "497"}}


def test_content_tiers_follow_the_parent(taxonomies: Taxonomies) -> None:
    for content in (taxonomies.content_2_2, taxonomies.content_3_1):
        quirks = set()
        for category in content:
            assert category.tier == len(category.tiers) >= 1
            if category.parent_id is None:
                assert category.tiers == (category.name,)
                continue
            parent = content.get(category.parent_id)
            assert category.tiers[0] == parent.tiers[0]
            if category.tiers[: parent.tier] != parent.tiers or category.tier != parent.tier + 1:
                quirks.add(category.unique_id)
        assert quirks == KNOWN_TIER_QUIRKS[content.version]


def test_audience_roots_and_names(taxonomies: Taxonomies) -> None:
    roots = {s.name for s in taxonomies.audience_1_1 if s.parent_id is None}
    assert roots == {"Demographic", "Interest", "Purchase Intent"}
    for segment in taxonomies.audience_1_1:
        assert segment.name == segment.tiers[-1]
        assert segment.tiers[0] in roots
        assert not any(tier.endswith("*") for tier in segment.tiers)
    technology = taxonomies.audience_1_1.get("687")
    assert technology.parent_id == "206"
    assert technology.tiers == ("Interest", "Technology & Computing")


def test_content_2_2_records(taxonomies: Taxonomies) -> None:
    smartphones = taxonomies.content_2_2.get("635")
    assert smartphones.parent_id == "632"
    assert smartphones.tiers == ("Technology & Computing", "Consumer Electronics", "Smartphones")
    # Sensitive Topics rows have no tier columns in 2.2: the path comes from the parent.
    adult = taxonomies.content_2_2.get("Rm3SiT")
    assert adult.tiers == ("Sensitive Topics", "Adult & Explicit Sexual Content")
    lineage = taxonomies.content_2_2.lineage("635")
    assert [c.unique_id for c in lineage] == ["635", "632", "596"]


def test_content_3_1_extension_marks_sensitive_categories(taxonomies: Taxonomies) -> None:
    sensitive = [c for c in taxonomies.content_3_1 if c.extension == "SCD"]
    assert sensitive
    assert all(c.extension in {"", "SCD"} for c in taxonomies.content_3_1)


def test_iab_1_0_codes(taxonomies: Taxonomies) -> None:
    phones = taxonomies.content_1_0.get("IAB19-6")
    assert (phones.name, phones.tier, phones.parent_code) == ("Cell Phones", 2, "IAB19")
    assert taxonomies.content_1_0.get("IAB19").parent_code is None


def test_crosswalk_reads_the_official_mapping_backwards(taxonomies: Taxonomies) -> None:
    crosswalk = taxonomies.crosswalk_1_0
    assert crosswalk.codes_for("635") == ("IAB19-6",) or "IAB19-6" in crosswalk.codes_for("635")
    # The file's "AB7" typo is read as IAB7 (Health & Fitness → Healthy Living).
    assert "IAB7" in crosswalk.codes_for("223")
    mapped = {m.code for m in crosswalk.mappings}
    assert mapped == {c.code for c in taxonomies.content_1_0}
    # A node without its own mapping falls back to its nearest mapped ancestor.
    unmapped = [c for c in taxonomies.content_2_2 if not crosswalk.codes_for(c.unique_id)]
    fallback = crosswalk.codes_for_lineage(taxonomies.content_2_2.lineage(unmapped[0].unique_id))
    assert all(code in taxonomies.content_1_0 for code in fallback)


def test_parsers_refuse_a_wrong_layout() -> None:
    with pytest.raises(TaxonomyParseError):
        parse_content_taxonomy("just one row\r\n", "x.tsv")
    with pytest.raises(TaxonomyParseError):
        parse_content_taxonomy(
            "a\r\nUnique ID\tParent\tName\tTier 1\r\n1\t9\tOrphan\tX\r\n", "x.tsv"
        )
    with pytest.raises(TaxonomyParseError):
        parse_iab1_taxonomy("IAB Code\tTier\tIAB Category\r\nIAB1-1\tTier 1\tWrong\r\n", "x.tsv")

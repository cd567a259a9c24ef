"""IAB classification results have the documented shape and refer to real taxonomy nodes."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from zgpu.nlm.iab import ContentTaxonomy, Taxonomies
from zgpu.nlm.tasks.errors import LabelEmbeddingsMismatch
from zgpu.nlm.tasks.iab_classify import IabClassifier, iab_label_texts
from zgpu.nlm.tasks.intent import IntentCategory
from zgpu.nlm.tasks.protocols import TextEncoder

PHONE = (
    "The new smartphone has a brighter screen, a faster chip and much longer battery life. "
    "Reviewers say the camera is the best they have tested on any phone this year."
)
EDGE_INPUTS = {
    "empty": "",
    "one word": "hello",
    "emoji": "😀🎉🔥",
    "html": "<html><body><h1>Mortgage rates</h1><p>Rates rose to 7% this week.</p>"
    "<script>alert(1)</script></body></html>",
    "chinese": "巴黎是法国的首都，也是欧洲最大的城市之一。",
    "french": "Le gouvernement a présenté jeudi un projet de loi sur les retraites.",
    "punctuation": "?!... --- ###",
    "long": ("Football clubs signed new players before the transfer deadline. " * 1600)[:100_000],
}


def _str_id(value: int | str) -> str:
    return str(value)


def _check_scores(entries: list[dict[str, Any]]) -> None:
    assert 1 <= len(entries) <= 5
    scores = [e["score"] for e in entries]
    assert scores == sorted(scores, reverse=True)
    for score in scores:
        assert isinstance(score, float)
        assert 0.0 <= score <= 1.0
        assert round(score, 4) == score


def _check_content(entries: list[dict[str, Any]], taxonomy: ContentTaxonomy) -> None:
    _check_scores(entries)
    for entry in entries:
        category = taxonomy.get(_str_id(entry["id"]))
        assert entry["name"] == category.name
        expected_parent = 0 if category.parent_id is None else category.parent_id
        assert _str_id(entry["parent_id"]) == _str_id(expected_parent)
        tiers = [entry[f"tier{i}_name"] for i in range(1, category.tier + 1)]
        assert tiers == list(category.tiers)
        assert f"tier{category.tier + 1}_name" not in entry


def check_result(result: dict[str, Any], taxonomies: Taxonomies) -> None:
    """Every documented key is present, consistent with the taxonomies, sorted and rounded."""
    assert json.loads(json.dumps(result, ensure_ascii=False)) == result
    _check_scores(result["audience"])
    for entry in result["audience"]:
        segment = taxonomies.audience_1_1.get(_str_id(entry["id"]))
        assert entry["name"] == segment.name
        assert entry["parent_id"] == (int(segment.parent_id) if segment.parent_id else 0)
        assert entry["tier1_name"] in {"Demographic", "Interest", "Purchase Intent"}
        tiers = [entry[f"tier{i}_name"] for i in range(1, segment.tier + 1)]
        assert tiers == list(segment.tiers)
        assert f"tier{segment.tier + 1}_name" not in entry
    content = result["content"]
    _check_scores(content["iab_1_0"])
    for entry in content["iab_1_0"]:
        code = taxonomies.content_1_0.get(entry["code"])
        assert (entry["name"], entry["tier"], entry["parent_code"]) == (
            code.name,
            code.tier,
            code.parent_code,
        )
    _check_content(content["iab_2_2"], taxonomies.content_2_2)
    assert all(isinstance(e["id"], int) for e in content["iab_2_2"])
    _check_content(content["iab_3_1"], taxonomies.content_3_1)
    _check_scores(result["topics"])
    assert all(isinstance(t["name"], str) and t["name"] for t in result["topics"])
    keywords = result["keywords"]
    assert 1 <= len(keywords) <= 10
    assert all(isinstance(k, str) and k for k in keywords)
    intent = result["user_intent"]
    assert intent["category"] in {c.value for c in IntentCategory}
    assert isinstance(intent["name"], str)
    assert intent["name"]
    assert 0.0 <= intent["score"] <= 1.0
    assert round(intent["score"], 4) == intent["score"]


def test_smartphone_text(iab_classifier: IabClassifier, taxonomies: Taxonomies) -> None:
    result = iab_classifier.classify(PHONE)
    check_result(result, taxonomies)
    assert result["content"]["iab_2_2"][0]["tier1_name"] == "Technology & Computing"
    assert any(e["code"].startswith("IAB19") for e in result["content"]["iab_1_0"])
    assert len(result["keywords"]) == 10
    assert any("battery" in k or "camera" in k or "smartphone" in k for k in result["keywords"])


@pytest.mark.parametrize("name", list(EDGE_INPUTS))
def test_edge_inputs_keep_the_shape(
    iab_classifier: IabClassifier, taxonomies: Taxonomies, name: str
) -> None:
    result = iab_classifier.classify(EDGE_INPUTS[name])
    check_result(result, taxonomies)
    if name == "html":
        assert all("<" not in k and "alert" not in k for k in result["keywords"])


@pytest.mark.parametrize(
    ("query", "category"),
    [
        ("pizza near me", IntentCategory.LOCAL),
        ("buy iphone 15 pro online", IntentCategory.TRANSACTIONAL),
        ("facebook login", IntentCategory.NAVIGATIONAL),
        ("best laptops for students compared", IntentCategory.COMMERCIAL),
        ("why is the sky blue?", IntentCategory.INFORMATIONAL),
    ],
)
def test_user_intent(iab_classifier: IabClassifier, query: str, category: IntentCategory) -> None:
    assert iab_classifier.classify(query)["user_intent"]["category"] == category.value


def test_deterministic(iab_classifier: IabClassifier) -> None:
    first = json.dumps(iab_classifier.classify(PHONE))
    assert json.dumps(iab_classifier.classify(PHONE)) == first


def test_precomputed_label_embeddings(
    iab_classifier: IabClassifier, taxonomies: Taxonomies, text_encoder: TextEncoder
) -> None:
    assert iab_classifier.label_texts() == iab_label_texts(taxonomies)
    assert iab_classifier.label_embeddings.shape[0] == len(iab_label_texts(taxonomies))
    again = IabClassifier.build(taxonomies, text_encoder, iab_classifier.label_embeddings)
    assert again.classify(PHONE) == iab_classifier.classify(PHONE)
    with pytest.raises(LabelEmbeddingsMismatch):
        IabClassifier.build(taxonomies, text_encoder, np.zeros((3, 384), dtype=np.float32))
    broken = np.array(iab_classifier.label_embeddings)
    broken[0, 0] = np.nan
    with pytest.raises(LabelEmbeddingsMismatch):
        IabClassifier.build(taxonomies, text_encoder, broken)


DEV_SET = Path(__file__).resolve().parents[4] / "bench" / "data" / "iab_dev.jsonl"


def test_classify_scored_returns_the_top_category_probability(
    iab_classifier: IabClassifier,
) -> None:
    result, confidence = iab_classifier.classify_scored(PHONE)
    assert result == iab_classifier.classify(PHONE)
    assert 0.0 <= confidence <= 1.0
    assert round(confidence, 4) == result["content"]["iab_3_1"][0]["score"]
    _vague, vague_confidence = iab_classifier.classify_scored("hello")
    assert vague_confidence < confidence


@pytest.mark.parametrize("text", [PHONE, "", "hello", EDGE_INPUTS["html"]])
def test_a_threshold_of_one_keeps_exactly_one_entry(
    iab_classifier: IabClassifier, taxonomies: Taxonomies, text: str
) -> None:
    strict = iab_classifier.with_config(replace(iab_classifier.config, threshold=1.0))
    result = strict.classify(text)
    check_result(result, taxonomies)
    assert len(result["content"]["iab_3_1"]) == 1
    assert len(result["content"]["iab_2_2"]) == 1
    assert len(result["audience"]) >= 1


def test_scores_follow_the_hierarchical_ranking(iab_classifier: IabClassifier) -> None:
    document = iab_classifier.embed_document(iab_classifier.prepare(PHONE))
    ranked = iab_classifier.rank_content_3_1(document, 50)
    assert [r.score for r in ranked] == sorted((r.score for r in ranked), reverse=True)
    probabilities = [r.probability for r in ranked]
    assert probabilities == sorted(probabilities, reverse=True)
    assert ranked[0].category.name == "Smartphones"


def test_dev_pages_land_in_their_category(iab_classifier: IabClassifier) -> None:
    pages = [json.loads(line) for line in DEV_SET.read_text(encoding="utf-8").splitlines()]
    sample = pages[::27]  # 21 pages across the taxonomy
    top5 = 0
    for page in sample:
        document = iab_classifier.embed_document(iab_classifier.prepare(page["text"]))
        ranked = [r.category.unique_id for r in iab_classifier.rank_content_3_1(document, 5)]
        top5 += page["id"].removeprefix("iab31-") in ranked
    assert top5 >= 0.8 * len(sample)


def test_evidence_describes_the_top_category(iab_classifier: IabClassifier) -> None:
    text = "The new phone has a brighter screen, a faster chip and a camera that shines at night."
    result, evidence = iab_classifier.classify_with_evidence(text)
    top = result["content"]["iab_3_1"][0]
    assert top["score"] == round(evidence.probability, 4)
    ranked = iab_classifier.rank_content_3_1(
        iab_classifier.embed_document(iab_classifier.prepare(text)), 2
    )
    assert evidence.score == pytest.approx(ranked[0].score)
    assert evidence.margin == pytest.approx(ranked[0].score - ranked[1].score)
    assert evidence.margin >= 0.0
    assert -1.0 <= evidence.cosine <= 1.0
    assert iab_classifier.classify_scored(text) == (result, evidence.probability)


def test_chunk_tokens_shortens_the_window(
    iab_classifier: IabClassifier, text_encoder: TextEncoder
) -> None:
    text = " ".join(f"Part {i} is about football, then about cooking pasta." for i in range(30))
    short = iab_classifier.with_config(replace(iab_classifier.config, chunks=1, chunk_tokens=16))
    plain = short.prepare(text)
    first, _ = text_encoder.truncate(plain, 16)
    assert np.allclose(short.embed_document(plain), text_encoder.embed([first])[0], atol=1e-6)
    default = iab_classifier.with_config(replace(iab_classifier.config, chunks=1))
    assert not np.allclose(default.embed_document(plain), short.embed_document(plain))
    with pytest.raises(ValueError, match="chunk_tokens"):
        replace(iab_classifier.config, chunk_tokens=0)

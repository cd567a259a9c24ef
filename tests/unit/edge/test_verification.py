from __future__ import annotations

import json

from zgpu.edge.verification import MemoryTrustStore, ReputationRule, compare_outputs

IAB = {
    "iab_2_2": [
        {"id": 596, "parent_id": 0, "name": "Technology & Computing", "score": 0.8123},
        {"id": 602, "parent_id": 596, "name": "Computing", "score": 0.5512},
    ],
    "keywords": ["cpu", "edge"],
}


def _with(score: float, ident: int = 596) -> str:
    changed = json.loads(json.dumps(IAB))
    changed["iab_2_2"][0]["score"] = score
    changed["iab_2_2"][0]["id"] = ident
    return json.dumps(changed)


def test_plain_text_must_match_exactly() -> None:
    assert compare_outputs("The summary.", "The summary.") is None
    assert compare_outputs("The summary!", "The summary.") is not None


def test_json_scores_may_differ_within_tolerance_but_ids_may_not() -> None:
    reference = json.dumps(IAB)
    assert compare_outputs(_with(0.8123), reference) is None
    assert compare_outputs(_with(0.8180), reference) is None
    problem = compare_outputs(_with(0.83), reference)
    assert problem is not None
    assert "score" in problem
    problem = compare_outputs(_with(0.8123, ident=597), reference)
    assert problem is not None
    assert "id" in problem
    fewer = json.loads(reference)
    fewer["iab_2_2"].pop()
    assert compare_outputs(json.dumps(fewer), reference) is not None
    assert compare_outputs("not json", reference) is not None


def test_reputation_falls_with_disagreements_and_quarantines_below_threshold() -> None:
    rule = ReputationRule(penalty=0.25, reward=0.01, quarantine_below=0.6)
    assert rule.after(1.0, agreed=True) == 1.0
    assert rule.after(0.5, agreed=True) == 0.51
    assert rule.after(0.1, agreed=False) == 0.0


async def test_memory_store_quarantines_after_two_disagreements() -> None:
    store = MemoryTrustStore(ReputationRule(penalty=0.25, quarantine_below=0.6))
    first = await store.record_check("n1", agreed=False, reason="$.x: 1 vs 2")
    assert (first.status, first.reputation) == ("active", 0.75)
    second = await store.record_check("n1", agreed=False, reason="$.x: 1 vs 2")
    assert second.status == "quarantined"
    assert store.reasons["n1"] == "$.x: 1 vs 2"
    assert (await store.record_check("n2", agreed=True, reason=None)).status == "active"

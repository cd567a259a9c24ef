"""The JSON shape of an IAB classification (the hosted "enriched" shape of the wire contract).

Entries are plain dicts ready for ``json.dumps``. Ids that are decimal numbers are emitted as
integers and the few alphanumeric ids of the files as strings; ``parent_id`` is 0 at a root.
``tierN_name`` keys go exactly as deep as the node.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from zgpu.nlm.iab import AudienceSegment, ContentCategory, Iab1Category

JsonObject = dict[str, Any]


def json_id(unique_id: str | None) -> int | str:
    """``"635"`` → 635, ``None`` → 0, an alphanumeric id stays a string."""
    if unique_id is None:
        return 0
    return int(unique_id) if unique_id.isdigit() else unique_id


def _tiers(tiers: Sequence[str]) -> JsonObject:
    return {f"tier{i}_name": name for i, name in enumerate(tiers, start=1)}


def content_entry(category: ContentCategory, score: float) -> JsonObject:
    """``{id, parent_id, name, tier1_name…, score}`` of a Content 2.x/3.x category."""
    return {
        "id": json_id(category.unique_id),
        "parent_id": json_id(category.parent_id),
        "name": category.name,
        **_tiers(category.tiers),
        "score": score,
    }


def audience_entry(segment: AudienceSegment, score: float) -> JsonObject:
    """``{id, parent_id, name, tier1_name…, score}`` of an Audience 1.1 segment."""
    return {
        "id": json_id(segment.unique_id),
        "parent_id": json_id(segment.parent_id),
        "name": segment.name,
        **_tiers(segment.tiers),
        "score": score,
    }


def iab1_entry(category: Iab1Category, score: float) -> JsonObject:
    """``{code, name, tier, parent_code, score}`` of a Content 1.0 code."""
    return {
        "code": category.code,
        "name": category.name,
        "tier": category.tier,
        "parent_code": category.parent_code,
        "score": score,
    }


def topic_entry(name: str, score: float) -> JsonObject:
    """``{name, score}``."""
    return {"name": name, "score": score}


def intent_entry(name: str, category: str, score: float) -> JsonObject:
    """``{name, category, score}``."""
    return {"name": name, "category": category, "score": score}


def by_score(entries: list[JsonObject]) -> list[JsonObject]:
    """Entries sorted by score, highest first; equal scores keep their order."""
    return sorted(entries, key=lambda entry: -float(entry["score"]))

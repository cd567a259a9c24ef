"""The label texts the IAB classifier embeds, and which taxonomy node each one stands for.

Label texts are tier paths, root first: ``"Technology & Computing > Consumer Electronics >
Smartphones"`` (the name is appended when a file's tier columns end elsewhere). Audience
interests drop their ``Interest`` root, so they share text (and an embedding) with the
matching content categories; purchase-intent and demographic segments keep their root. The
intent prototypes' descriptions come last. ``LabelIndex.texts`` lists every distinct text once,
in a fixed order, so one ``(len(texts), dim)`` array of embeddings can be cached as an artifact.

Only categories a text can be *about* are candidates:

- Content 2.2: not the descriptive vectors (Content Channel, Type, Source, Media Format,
  Language, Source Geo) nor the brand-safety roots (Sensitive Topics, Brand Suitability and
  Risk), whose ids are not numeric;
- Content 3.1: every category;
- Audience 1.1: every segment below the three roots except the ``*… Extension`` placeholders;
- Content 1.0: every code except IAB24 (Uncategorized), IAB25 (Non-Standard Content) and IAB26
  (Illegal Content), which are used only through the official mapping.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from zgpu.nlm.iab import AudienceSegment, ContentCategory, ContentTaxonomy, Iab1Category, Taxonomies
from zgpu.nlm.tasks.intent import PROTOTYPES

NON_TOPICAL_2_2_ROOTS = frozenset(
    {
        "Content Channel",
        "Content Type",
        "Content Source",
        "Content Media Format",
        "Content Language",
        "Content Source Geo",
        "Sensitive Topics",
        "Brand Suitability and Risk",
    }
)
EXCLUDED_1_0_ROOTS = frozenset({"IAB24", "IAB25", "IAB26"})

T = TypeVar("T")


def content_label(category: ContentCategory) -> str:
    """``"Tier 1 > Tier 2 > … > Name"`` for a content category."""
    path = (
        category.tiers if category.tiers[-1] == category.name else (*category.tiers, category.name)
    )
    return " > ".join(path)


def audience_label(segment: AudienceSegment) -> str:
    """The tier path of a segment; ``Interest`` segments drop their root."""
    path = segment.tiers[1:] if segment.tiers[0] == "Interest" else segment.tiers
    return " > ".join(path)


def iab1_label(category: Iab1Category, parent: Iab1Category | None) -> str:
    """``"Technology & Computing > Cell Phones"`` for a tier-2 code, the name for tier 1."""
    return category.name if parent is None else f"{parent.name} > {category.name}"


@dataclass(frozen=True)
class LabelGroup(Generic[T]):
    """Candidates of one taxonomy and, row for row, the index of each one's label text."""

    items: tuple[T, ...]
    rows: tuple[int, ...]


@dataclass(frozen=True)
class LabelIndex:
    """Every label text once, and the candidates of each taxonomy pointing into it."""

    texts: tuple[str, ...]
    content_2_2: LabelGroup[ContentCategory]
    content_3_1: LabelGroup[ContentCategory]
    audience: LabelGroup[AudienceSegment]
    content_1_0: LabelGroup[Iab1Category]
    intents: tuple[int, ...]


class _Texts:
    def __init__(self) -> None:
        self.rows: dict[str, int] = {}

    def add(self, text: str) -> int:
        return self.rows.setdefault(text, len(self.rows))

    def group(self, items: Sequence[T], texts: Sequence[str]) -> LabelGroup[T]:
        return LabelGroup(tuple(items), tuple(self.add(t) for t in texts))


def _topical_2_2(content: ContentTaxonomy) -> list[ContentCategory]:
    return [
        c
        for c in content
        if c.unique_id.isdigit()
        and (c.parent_id is None or c.parent_id.isdigit())
        and c.tiers[0] not in NON_TOPICAL_2_2_ROOTS
    ]


def build_label_index(taxonomies: Taxonomies) -> LabelIndex:
    """The candidates and label texts of ``taxonomies``; deterministic for the same tables."""
    texts = _Texts()
    content_2_2 = _topical_2_2(taxonomies.content_2_2)
    group_2_2 = texts.group(content_2_2, [content_label(c) for c in content_2_2])
    content_3_1 = list(taxonomies.content_3_1)
    group_3_1 = texts.group(content_3_1, [content_label(c) for c in content_3_1])
    segments = [
        s for s in taxonomies.audience_1_1 if s.parent_id is not None and not s.name.startswith("*")
    ]
    group_audience = texts.group(segments, [audience_label(s) for s in segments])
    codes = [
        c for c in taxonomies.content_1_0 if (c.parent_code or c.code) not in EXCLUDED_1_0_ROOTS
    ]
    group_1_0 = texts.group(
        codes,
        [
            iab1_label(c, taxonomies.content_1_0.get(c.parent_code) if c.parent_code else None)
            for c in codes
        ],
    )
    intents = tuple(texts.add(p.description) for p in PROTOTYPES)
    return LabelIndex(
        texts=tuple(texts.rows),
        content_2_2=group_2_2,
        content_3_1=group_3_1,
        audience=group_audience,
        content_1_0=group_1_0,
        intents=intents,
    )

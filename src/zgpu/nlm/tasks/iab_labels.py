"""The label texts the IAB classifier embeds, and which taxonomy node each one stands for.

A category is represented by several *views*, each one text, whose embeddings the classifier
averages (``LabelGroup.views`` lists each candidate's rows). A category with a description
(``zgpu.nlm.iab.descriptions``) has three views:

- the description itself;
- ``"<name>: <description>"``;
- ``"<tier path>: <description>"``, e.g. ``"Sports > Soccer: Association football: …"``.

A category without one falls back to its tier path, root first (``"Technology & Computing >
Consumer Electronics > Smartphones"``; the name is appended when a file's tier columns end
elsewhere). Audience interests drop their ``Interest`` root and reuse the Content descriptions
of their namesakes, so they share texts (and embeddings) with them. Content 1.0 codes are
bare paths: they only break ties inside the official mapping. The intent prototypes'
descriptions come last. ``LabelIndex.texts`` lists every distinct text once, in a fixed order,
so one ``(len(texts), dim)`` array of embeddings can be cached as an artifact.

Only categories a text can be *about* are candidates:

- Content 2.2: not the descriptive vectors (Content Channel, Type, Source, Media Format,
  Language, Source Geo) nor the brand-safety roots (Sensitive Topics, Brand Suitability and
  Risk), whose ids are not numeric;
- Content 3.1: every category;
- Audience 1.1: the segments of the ``Interest`` branch below its root (the ones we describe),
  except the ``*… Extension`` placeholders; demographic and purchase-intent segments say who a
  reader is or what they are about to buy, which a page's topic does not tell;
- Content 1.0: every code except IAB24 (Uncategorized), IAB25 (Non-Standard Content) and IAB26
  (Illegal Content), which are used only through the official mapping.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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
INTEREST_ROOT = "Interest"

T = TypeVar("T")


def content_label(category: ContentCategory) -> str:
    """``"Tier 1 > Tier 2 > … > Name"`` for a content category."""
    path = (
        category.tiers if category.tiers[-1] == category.name else (*category.tiers, category.name)
    )
    return " > ".join(path)


def audience_label(segment: AudienceSegment) -> str:
    """The tier path of a segment; ``Interest`` segments drop their root."""
    path = segment.tiers[1:] if segment.tiers[0] == INTEREST_ROOT else segment.tiers
    return " > ".join(path)


def iab1_label(category: Iab1Category, parent: Iab1Category | None) -> str:
    """``"Technology & Computing > Cell Phones"`` for a tier-2 code, the name for tier 1."""
    return category.name if parent is None else f"{parent.name} > {category.name}"


def described_views(name: str, path: str, description: str | None) -> tuple[str, ...]:
    """The texts standing for one category (see the module docstring)."""
    if not description:
        return (path,)
    return (description, f"{name}: {description}", f"{path}: {description}")


@dataclass(frozen=True)
class LabelGroup(Generic[T]):
    """Candidates of one taxonomy and, item for item, the rows of their views' label texts."""

    items: tuple[T, ...]
    views: tuple[tuple[int, ...], ...]


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

    def group(self, items: Sequence[T], views: Sequence[Sequence[str]]) -> LabelGroup[T]:
        return LabelGroup(tuple(items), tuple(tuple(self.add(t) for t in v) for v in views))


def _topical_2_2(content: ContentTaxonomy) -> list[ContentCategory]:
    return [
        c
        for c in content
        if c.unique_id.isdigit()
        and (c.parent_id is None or c.parent_id.isdigit())
        and c.tiers[0] not in NON_TOPICAL_2_2_ROOTS
    ]


def _content_views(
    categories: Sequence[ContentCategory], descriptions: Mapping[str, str]
) -> list[tuple[str, ...]]:
    return [
        described_views(c.name, content_label(c), descriptions.get(c.unique_id)) for c in categories
    ]


def build_label_index(taxonomies: Taxonomies) -> LabelIndex:
    """The candidates and label texts of ``taxonomies``; deterministic for the same tables."""
    texts = _Texts()
    described = taxonomies.descriptions
    content_2_2 = _topical_2_2(taxonomies.content_2_2)
    group_2_2 = texts.group(content_2_2, _content_views(content_2_2, described.content_2_2))
    content_3_1 = list(taxonomies.content_3_1)
    group_3_1 = texts.group(content_3_1, _content_views(content_3_1, described.content_3_1))
    segments = [
        s
        for s in taxonomies.audience_1_1
        if s.parent_id is not None and s.tiers[0] == INTEREST_ROOT and not s.name.startswith("*")
    ]
    group_audience = texts.group(
        segments,
        [
            described_views(s.name, audience_label(s), described.audience.get(s.unique_id))
            for s in segments
        ],
    )
    codes = [
        c for c in taxonomies.content_1_0 if (c.parent_code or c.code) not in EXCLUDED_1_0_ROOTS
    ]
    group_1_0 = texts.group(
        codes,
        [
            (iab1_label(c, taxonomies.content_1_0.get(c.parent_code) if c.parent_code else None),)
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

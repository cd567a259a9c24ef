"""The IAB taxonomies ZeroGPU ships, indexed for lookups, and how to load them.

``load_taxonomies()`` reads the package data with ``importlib.resources``; nothing is read at
import time. The tables are immutable after construction.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources

from zgpu.nlm.iab.descriptions import CategoryDescriptions, load_descriptions
from zgpu.nlm.iab.errors import TaxonomyError
from zgpu.nlm.iab.models import AudienceSegment, ContentCategory, Iab1Category, Iab1Mapping
from zgpu.nlm.iab.parse import (
    parse_audience_taxonomy,
    parse_content_taxonomy,
    parse_iab1_mapping,
    parse_iab1_taxonomy,
)

CONTENT_1_0_FILE = "Content Taxonomy 1.0.tsv"
CONTENT_2_2_FILE = "Content Taxonomy 2.2.tsv"
CONTENT_3_1_FILE = "Content Taxonomy 3.1.tsv"
AUDIENCE_1_1_FILE = "Audience Taxonomy 1.1.tsv"
MAPPING_1_0_TO_2_0_FILE = "Content 1.0 to Content 2.0.tsv"


class ContentTaxonomy:
    """A Content Taxonomy (2.x or 3.x): categories in file order, indexed by unique id."""

    def __init__(self, version: str, categories: Sequence[ContentCategory]) -> None:
        self.version = version
        self.categories: tuple[ContentCategory, ...] = tuple(categories)
        self._by_id = {c.unique_id: c for c in self.categories}

    def __len__(self) -> int:
        return len(self.categories)

    def __iter__(self) -> Iterator[ContentCategory]:
        return iter(self.categories)

    def __contains__(self, unique_id: object) -> bool:
        return unique_id in self._by_id

    def get(self, unique_id: str) -> ContentCategory:
        """The category with ``unique_id``; raises ``KeyError`` if there is none."""
        return self._by_id[unique_id]

    def lineage(self, unique_id: str) -> tuple[ContentCategory, ...]:
        """The category and its ancestors, the category first; raises ``KeyError``."""
        chain = [self._by_id[unique_id]]
        while chain[-1].parent_id is not None and len(chain) <= len(self._by_id):
            chain.append(self._by_id[chain[-1].parent_id])
        return tuple(chain)


class AudienceTaxonomy:
    """Audience Taxonomy 1.1: segments in file order, indexed by unique id."""

    def __init__(self, version: str, segments: Sequence[AudienceSegment]) -> None:
        self.version = version
        self.segments: tuple[AudienceSegment, ...] = tuple(segments)
        self._by_id = {s.unique_id: s for s in self.segments}

    def __len__(self) -> int:
        return len(self.segments)

    def __iter__(self) -> Iterator[AudienceSegment]:
        return iter(self.segments)

    def __contains__(self, unique_id: object) -> bool:
        return unique_id in self._by_id

    def get(self, unique_id: str) -> AudienceSegment:
        """The segment with ``unique_id``; raises ``KeyError`` if there is none."""
        return self._by_id[unique_id]


class Iab1Taxonomy:
    """Content Taxonomy 1.0: codes in file order, indexed by code."""

    def __init__(self, categories: Sequence[Iab1Category]) -> None:
        self.categories: tuple[Iab1Category, ...] = tuple(categories)
        self._by_code = {c.code: c for c in self.categories}

    def __len__(self) -> int:
        return len(self.categories)

    def __iter__(self) -> Iterator[Iab1Category]:
        return iter(self.categories)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def get(self, code: str) -> Iab1Category:
        """The category with ``code`` (``IAB19-6``); raises ``KeyError`` if there is none."""
        return self._by_code[code]


class Iab1Crosswalk:
    """The official Content 1.0 → 2.0 mapping, read backwards: Content 2.x id → 1.0 codes.

    Content 2.2 keeps the 2.0 ids, so the mapping applies to 2.2 categories.
    """

    def __init__(self, mappings: Sequence[Iab1Mapping]) -> None:
        self.mappings: tuple[Iab1Mapping, ...] = tuple(mappings)
        reverse: dict[str, list[str]] = {}
        for mapping in self.mappings:
            if mapping.content2_id is not None:
                reverse.setdefault(mapping.content2_id, []).append(mapping.code)
        self._codes = {key: tuple(codes) for key, codes in reverse.items()}

    def codes_for(self, content2_id: str) -> tuple[str, ...]:
        """The 1.0 codes mapped exactly to ``content2_id``, in file order (may be empty)."""
        return self._codes.get(content2_id, ())

    def codes_for_lineage(self, lineage: Sequence[ContentCategory]) -> tuple[str, ...]:
        """The 1.0 codes of the nearest category in ``lineage`` (node first) that has any.

        This follows the working group's own rule for unmapped rows: fall back to the parent.
        Empty when no category of the lineage is mapped.
        """
        for category in lineage:
            codes = self.codes_for(category.unique_id)
            if codes:
                return codes
        return ()


@dataclass(frozen=True)
class Taxonomies:
    """Every IAB table the classifier uses, and our descriptions of the categories."""

    content_1_0: Iab1Taxonomy
    content_2_2: ContentTaxonomy
    content_3_1: ContentTaxonomy
    audience_1_1: AudienceTaxonomy
    crosswalk_1_0: Iab1Crosswalk
    descriptions: CategoryDescriptions = field(default_factory=CategoryDescriptions)


def _read(name: str) -> str:
    return resources.files("zgpu.nlm.iab").joinpath("data", name).read_text(encoding="utf-8")


def load_taxonomies() -> Taxonomies:
    """Parse the shipped taxonomy and description files.

    Raises ``TaxonomyParseError`` if a file is malformed and ``TaxonomyError`` if the mapping
    names a 1.0 code or a 2.2 id that does not exist, or a description a category that does not.
    """
    content_1_0 = Iab1Taxonomy(parse_iab1_taxonomy(_read(CONTENT_1_0_FILE), CONTENT_1_0_FILE))
    content_2_2 = ContentTaxonomy(
        "2.2", parse_content_taxonomy(_read(CONTENT_2_2_FILE), CONTENT_2_2_FILE)
    )
    content_3_1 = ContentTaxonomy(
        "3.1", parse_content_taxonomy(_read(CONTENT_3_1_FILE), CONTENT_3_1_FILE)
    )
    audience = AudienceTaxonomy(
        "1.1", parse_audience_taxonomy(_read(AUDIENCE_1_1_FILE), AUDIENCE_1_1_FILE)
    )
    mappings = parse_iab1_mapping(_read(MAPPING_1_0_TO_2_0_FILE), MAPPING_1_0_TO_2_0_FILE)
    for mapping in mappings:
        if mapping.code not in content_1_0:
            raise TaxonomyError(f"mapping names unknown 1.0 code {mapping.code}")
        if mapping.content2_id is not None and mapping.content2_id not in content_2_2:
            raise TaxonomyError(f"mapping names unknown 2.2 id {mapping.content2_id}")
    descriptions = load_descriptions()
    for described, known, what in (
        (descriptions.content_3_1, content_3_1, "Content 3.1"),
        (descriptions.audience, audience, "Audience 1.1"),
    ):
        unknown = sorted(k for k in described if k not in known)
        if unknown:
            raise TaxonomyError(f"descriptions name unknown {what} ids {unknown[:5]}")
    return Taxonomies(
        content_1_0=content_1_0,
        content_2_2=content_2_2,
        content_3_1=content_3_1,
        audience_1_1=audience,
        crosswalk_1_0=Iab1Crosswalk(mappings),
        descriptions=descriptions,
    )

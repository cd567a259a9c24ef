"""Our own descriptions of IAB categories, shipped as data (``data/descriptions/``).

Each file is UTF-8 TSV with the header ``unique_id<TAB>name<TAB>description`` and one row per
category (see ``data/descriptions/README.md``). Descriptions are keyed by the taxonomy's unique
id: Content 3.1 ids (``content_3_1.tsv``), the Content 2.2 ids that 3.1 dropped
(``content_2_2_extra.tsv``) and Audience 1.1 ``Interest`` segments (``audience_interest.tsv``).
Content 2.2 reuses 3.1 ids for the same subjects, so a 2.2 category is described by its 3.1
namesake's text unless the extra file has its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from types import MappingProxyType

from zgpu.nlm.iab.errors import TaxonomyParseError

CONTENT_3_1_DESCRIPTIONS = "content_3_1.tsv"
CONTENT_2_2_EXTRA_DESCRIPTIONS = "content_2_2_extra.tsv"
AUDIENCE_DESCRIPTIONS = "audience_interest.tsv"
_HEADER = ["unique_id", "name", "description"]


def parse_descriptions(text: str, source: str) -> dict[str, str]:
    """``unique_id → description`` of one descriptions file.

    Raises ``TaxonomyParseError`` on a wrong header, a row without three fields, an empty
    description or a repeated id.
    """
    lines = text.splitlines()
    if not lines or lines[0].rstrip("\r").split("\t") != _HEADER:
        raise TaxonomyParseError(source, 1, f"expected the header {_HEADER}")
    found: dict[str, str] = {}
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        fields = line.rstrip("\r").split("\t")
        if len(fields) != len(_HEADER) or not fields[0].strip() or not fields[2].strip():
            raise TaxonomyParseError(source, number, "expected unique_id, name and a description")
        unique_id = fields[0].strip()
        if unique_id in found:
            raise TaxonomyParseError(source, number, f"repeated unique_id {unique_id!r}")
        found[unique_id] = fields[2].strip()
    return found


def _frozen(values: Mapping[str, str] | None = None) -> Mapping[str, str]:
    return MappingProxyType(dict(values or {}))


@dataclass(frozen=True)
class CategoryDescriptions:
    """Descriptions by unique id; a category without one is simply absent."""

    content_3_1: Mapping[str, str] = field(default_factory=_frozen)
    content_2_2: Mapping[str, str] = field(default_factory=_frozen)
    audience: Mapping[str, str] = field(default_factory=_frozen)


def _read(name: str) -> str:
    folder = resources.files("zgpu.nlm.iab").joinpath("data", "descriptions")
    return folder.joinpath(name).read_text(encoding="utf-8")


def load_descriptions() -> CategoryDescriptions:
    """Parse the shipped descriptions; raises ``TaxonomyParseError`` if a file is malformed."""
    content_3_1 = parse_descriptions(_read(CONTENT_3_1_DESCRIPTIONS), CONTENT_3_1_DESCRIPTIONS)
    extra = parse_descriptions(
        _read(CONTENT_2_2_EXTRA_DESCRIPTIONS), CONTENT_2_2_EXTRA_DESCRIPTIONS
    )
    audience = parse_descriptions(_read(AUDIENCE_DESCRIPTIONS), AUDIENCE_DESCRIPTIONS)
    return CategoryDescriptions(
        content_3_1=_frozen(content_3_1),
        content_2_2=_frozen({**content_3_1, **extra}),
        audience=_frozen(audience),
    )

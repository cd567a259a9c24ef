"""Parsers for the official IAB taxonomy TSV files.

The files are UTF-8, tab-separated, CRLF-terminated, with no quoting. Columns are found by their
header names, not by position, so a reordered file fails loudly instead of parsing into nonsense.
Blank rows are skipped. Every parser raises ``TaxonomyParseError`` on a layout it does not
recognise.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence

from zgpu.nlm.iab.errors import TaxonomyParseError
from zgpu.nlm.iab.models import AudienceSegment, ContentCategory, Iab1Category, Iab1Mapping

Row = list[str]

_IAB1_CODE = re.compile(r"^IAB\d+(-\d+)?$")
_MISSPELLED_CODE = re.compile(r"^AB\d+(-\d+)?$")


def _rows(text: str) -> list[tuple[int, Row]]:
    """Numbered rows (1-based line numbers) with fields stripped; blank rows dropped."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter="\t", quoting=csv.QUOTE_NONE)
    numbered: list[tuple[int, Row]] = []
    for number, row in enumerate(reader, start=1):
        fields = [field.strip() for field in row]
        if any(fields):
            numbered.append((number, fields))
    return numbered


def _column_index(header: Row, names: Sequence[str], source: str, line: int) -> list[int]:
    found: list[int] = []
    for name in names:
        if name not in header:
            raise TaxonomyParseError(source, line, f"missing column {name!r} in header {header}")
        found.append(header.index(name))
    return found


def _field(row: Row, index: int) -> str:
    return row[index] if index < len(row) else ""


def _tier_columns(header: Row) -> list[int]:
    return [i for i, name in enumerate(header) if re.fullmatch(r"Tier \d+", name)]


def parse_content_taxonomy(text: str, source: str) -> tuple[ContentCategory, ...]:
    """Parse Content Taxonomy 2.x/3.x: a title row, then ``Unique ID, Parent, Name, Tier 1…``.

    When a row's tier columns are empty (Content 2.2's Sensitive Topics), or stop at the parent's
    depth, the tiers are completed from the parent's tiers and the row's name. Raises
    ``TaxonomyParseError`` for a missing header, a duplicate id or a parent that does not exist.
    """
    rows = _rows(text)
    if len(rows) < 2:
        raise TaxonomyParseError(source, 0, "expected two header rows")
    header_line, header = rows[1]
    id_col, parent_col, name_col = _column_index(
        header, ("Unique ID", "Parent", "Name"), source, header_line
    )
    tier_cols = _tier_columns(header)
    titles = rows[0][1]
    extension_col = titles.index("Extension") if "Extension" in titles else None
    raw: dict[str, tuple[int, str | None, str, tuple[str, ...], str]] = {}
    order: list[str] = []
    for line, row in rows[2:]:
        unique_id = _field(row, id_col)
        name = _field(row, name_col)
        if not unique_id or not name:
            raise TaxonomyParseError(source, line, "row without id or name")
        if unique_id in raw:
            raise TaxonomyParseError(source, line, f"duplicate id {unique_id}")
        tiers = tuple(t for t in (_field(row, c) for c in tier_cols) if t)
        extension = _field(row, extension_col) if extension_col is not None else ""
        raw[unique_id] = (line, _field(row, parent_col) or None, name, tiers, extension)
        order.append(unique_id)

    resolved: dict[str, tuple[str, ...]] = {}

    def tiers_of(unique_id: str, depth: int = 0) -> tuple[str, ...]:
        if unique_id in resolved:
            return resolved[unique_id]
        line, parent_id, name, tiers, _ = raw[unique_id]
        if depth > len(raw):
            raise TaxonomyParseError(source, line, "cycle in parent links")
        if parent_id is None:
            full = tiers or (name,)
        else:
            if parent_id not in raw:
                raise TaxonomyParseError(source, line, f"unknown parent {parent_id}")
            parent_tiers = tiers_of(parent_id, depth + 1)
            full = tiers if len(tiers) > len(parent_tiers) else (*parent_tiers, name)
        resolved[unique_id] = full
        return full

    categories = []
    for unique_id in order:
        _, parent_id, name, _, extension = raw[unique_id]
        tiers = tiers_of(unique_id)
        categories.append(
            ContentCategory(
                unique_id=unique_id,
                parent_id=parent_id,
                name=name,
                tiers=tiers,
                tier=len(tiers),
                extension=extension,
            )
        )
    return tuple(categories)


def _clean_audience_name(name: str) -> str:
    """Drop the footnote asterisk of ``Purchase Intent*``."""
    return name.rstrip("*").strip()


def parse_audience_taxonomy(text: str, source: str) -> tuple[AudienceSegment, ...]:
    """Parse Audience Taxonomy 1.1: one header row ``, Unique ID, Parent ID, …, Tier 1…Tier 6``.

    A segment's name is its deepest tier name. Raises ``TaxonomyParseError`` on a missing
    column, an empty tier list, a duplicate id or an unknown parent.
    """
    rows = _rows(text)
    if not rows:
        raise TaxonomyParseError(source, 0, "empty file")
    header_line, header = rows[0]
    id_col, parent_col = _column_index(header, ("Unique ID", "Parent ID"), source, header_line)
    tier_cols = _tier_columns(header)
    if not tier_cols:
        raise TaxonomyParseError(source, header_line, "no Tier columns")
    segments: list[AudienceSegment] = []
    seen: set[str] = set()
    for line, row in rows[1:]:
        unique_id = _field(row, id_col)
        tiers = tuple(_clean_audience_name(t) for t in (_field(row, c) for c in tier_cols) if t)
        if not unique_id or not tiers:
            raise TaxonomyParseError(source, line, "row without id or tiers")
        if unique_id in seen:
            raise TaxonomyParseError(source, line, f"duplicate id {unique_id}")
        seen.add(unique_id)
        segments.append(
            AudienceSegment(
                unique_id=unique_id,
                parent_id=_field(row, parent_col) or None,
                name=tiers[-1],
                tiers=tiers,
            )
        )
    for segment in segments:
        if segment.parent_id is not None and segment.parent_id not in seen:
            raise TaxonomyParseError(source, 0, f"{segment.unique_id}: unknown parent")
    return tuple(segments)


def _tier_number(value: str, source: str, line: int) -> int:
    match = re.fullmatch(r"Tier (\d+)", value)
    if match is None:
        raise TaxonomyParseError(source, line, f"bad tier {value!r}")
    return int(match.group(1))


def parse_iab1_taxonomy(text: str, source: str) -> tuple[Iab1Category, ...]:
    """Parse Content Taxonomy 1.0: header ``IAB Code, Tier, IAB Category``.

    Raises ``TaxonomyParseError`` on a malformed code, a tier other than 1 or 2, a tier that
    does not match the code's shape, or a tier-2 code whose tier-1 parent is absent.
    """
    rows = _rows(text)
    if not rows:
        raise TaxonomyParseError(source, 0, "empty file")
    header_line, header = rows[0]
    code_col, tier_col, name_col = _column_index(
        header, ("IAB Code", "Tier", "IAB Category"), source, header_line
    )
    categories: list[Iab1Category] = []
    for line, row in rows[1:]:
        code = _field(row, code_col)
        tier = _tier_number(_field(row, tier_col), source, line)
        if not _IAB1_CODE.match(code) or tier != (2 if "-" in code else 1):
            raise TaxonomyParseError(source, line, f"code {code!r} does not fit tier {tier}")
        categories.append(
            Iab1Category(
                code=code,
                name=_field(row, name_col),
                tier=tier,
                parent_code=code.split("-")[0] if tier == 2 else None,
            )
        )
    codes = {c.code for c in categories}
    for category in categories:
        if category.parent_code is not None and category.parent_code not in codes:
            raise TaxonomyParseError(source, 0, f"{category.code}: no tier-1 parent")
    return tuple(categories)


def parse_iab1_mapping(text: str, source: str) -> tuple[Iab1Mapping, ...]:
    """Parse the official ``Content 1.0 to Content 2.0`` mapping (one header row).

    The file's one typo (``AB7`` for ``IAB7``) is repaired: a code ``AB<n>`` becomes ``IAB<n>``.

    Raises ``TaxonomyParseError`` on missing columns or a malformed 1.0 code.
    """
    rows = _rows(text)
    if not rows:
        raise TaxonomyParseError(source, 0, "empty file")
    header_line, header = rows[0]
    code_col, target_col, note_col = _column_index(
        header,
        ("Content 1.0 Unique ID", "Content 2.0 Unique ID", "Imperfect Mapping"),
        source,
        header_line,
    )
    mappings: list[Iab1Mapping] = []
    for line, row in rows[1:]:
        code = _field(row, code_col)
        if _MISSPELLED_CODE.match(code):
            code = "I" + code  # the official file spells IAB7 as "AB7"
        if not _IAB1_CODE.match(code):
            raise TaxonomyParseError(source, line, f"bad 1.0 code {code!r}")
        mappings.append(
            Iab1Mapping(
                code=code,
                content2_id=_field(row, target_col) or None,
                note=_field(row, note_col),
            )
        )
    return tuple(mappings)

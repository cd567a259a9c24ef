"""Typed, immutable records of the IAB taxonomies.

Ids are strings because the files use them as opaque keys: most are decimal numbers, but
Content 2.2 and 3.1 also contain ids such as ``v9i3On``. Tier lists hold the official
``Tier 1`` … ``Tier N`` names of a node, root first.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ContentCategory:
    """One row of Content Taxonomy 2.x or 3.x.

    ``parent_id`` is ``None`` at a root. ``tiers`` are the node's tier names (root first; the last
    one is usually ``name``), and ``tier`` is ``len(tiers)``. ``extension`` is the file's
    Extension column (``"SCD"`` marks sensitive categories in 3.1), empty when unset.
    """

    unique_id: str
    parent_id: str | None
    name: str
    tiers: tuple[str, ...]
    tier: int
    extension: str = ""


@dataclass(frozen=True)
class AudienceSegment:
    """One row of Audience Taxonomy 1.1.

    ``tiers`` start with ``Demographic``, ``Interest`` or ``Purchase Intent`` (the file's footnote
    asterisk removed); ``name`` is the deepest tier name.
    """

    unique_id: str
    parent_id: str | None
    name: str
    tiers: tuple[str, ...]

    @property
    def tier(self) -> int:
        """Depth of the segment, 1 at a root."""
        return len(self.tiers)


@dataclass(frozen=True)
class Iab1Category:
    """One code of Content Taxonomy 1.0: ``IAB19`` (tier 1) or ``IAB19-6`` (tier 2).

    ``parent_code`` is ``None`` at tier 1.
    """

    code: str
    name: str
    tier: int
    parent_code: str | None


@dataclass(frozen=True)
class Iab1Mapping:
    """One row of the official Content 1.0 → Content 2.0 mapping.

    ``content2_id`` is ``None`` for 1.0 codes the working group left unmapped; ``note`` is the
    file's "Imperfect Mapping" column (``"One to Many"``, ``"Mapped to Parent"``, …), empty for
    a clean mapping.
    """

    code: str
    content2_id: str | None
    note: str

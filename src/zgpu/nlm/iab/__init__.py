"""IAB Tech Lab taxonomies (Content 1.0, 2.2, 3.1, Audience 1.1) and the 1.0 → 2.x mapping.

The data files are IAB Tech Lab's, licensed CC BY 3.0; see ``data/NOTICE.md``.
"""

from zgpu.nlm.iab.descriptions import CategoryDescriptions, load_descriptions, parse_descriptions
from zgpu.nlm.iab.errors import TaxonomyError, TaxonomyParseError
from zgpu.nlm.iab.models import AudienceSegment, ContentCategory, Iab1Category, Iab1Mapping
from zgpu.nlm.iab.parse import (
    parse_audience_taxonomy,
    parse_content_taxonomy,
    parse_iab1_mapping,
    parse_iab1_taxonomy,
)
from zgpu.nlm.iab.taxonomies import (
    AudienceTaxonomy,
    ContentTaxonomy,
    Iab1Crosswalk,
    Iab1Taxonomy,
    Taxonomies,
    load_taxonomies,
)

__all__ = [
    "AudienceSegment",
    "AudienceTaxonomy",
    "CategoryDescriptions",
    "ContentCategory",
    "ContentTaxonomy",
    "Iab1Category",
    "Iab1Crosswalk",
    "Iab1Mapping",
    "Iab1Taxonomy",
    "Taxonomies",
    "TaxonomyError",
    "TaxonomyParseError",
    "load_descriptions",
    "load_taxonomies",
    "parse_audience_taxonomy",
    "parse_content_taxonomy",
    "parse_descriptions",
    "parse_iab1_mapping",
    "parse_iab1_taxonomy",
]

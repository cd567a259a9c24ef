"""Errors of the IAB taxonomy package.

Taxonomy tables are part of a model's artifact, so their errors are ``ArtifactError``s::

    ArtifactError
    └── TaxonomyError            code "taxonomy_error"
        └── TaxonomyParseError
"""

from __future__ import annotations

from typing import ClassVar

from zgpu.nlm.errors import ArtifactError


class TaxonomyError(ArtifactError):
    """Something is wrong with taxonomy data."""

    code: ClassVar[str] = "taxonomy_error"


class TaxonomyParseError(TaxonomyError):
    """A taxonomy file does not have the layout its parser expects.

    ``source`` names the file, ``line`` is the 1-based line number (0 when the whole file is at
    fault).
    """

    def __init__(self, source: str, line: int, message: str) -> None:
        super().__init__(f"{source}:{line}: {message}")
        self.source = source
        self.line = line

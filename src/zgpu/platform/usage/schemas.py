"""What usage queries return: exact integer totals, per group and per time bucket."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from zgpu.platform.usage.buckets import Granularity


class GroupBy(StrEnum):
    """A dimension usage can be split by (the values are the wire names)."""

    PROJECT = "project_id"
    API_KEY = "api_key_id"
    MODEL = "model"


@dataclass(frozen=True, slots=True)
class UsageTotals:
    """Summed counters. Integers throughout, so any grouping adds up exactly.

    ``latency_us_sum`` sums each request's latency rounded to whole microseconds.
    """

    requests: int = 0
    errors: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    latency_us_sum: int = 0

    @property
    def average_latency_ms(self) -> float | None:
        """Mean latency in milliseconds (``latency_us_sum / requests / 1000``); ``None`` if no
        requests."""
        if self.requests == 0:
            return None
        return self.latency_us_sum / self.requests / 1000

    def __add__(self, other: UsageTotals) -> UsageTotals:
        return UsageTotals(
            requests=self.requests + other.requests,
            errors=self.errors + other.errors,
            input_tokens=self.input_tokens + other.input_tokens,
            output_tokens=self.output_tokens + other.output_tokens,
            latency_us_sum=self.latency_us_sum + other.latency_us_sum,
        )


@dataclass(frozen=True, slots=True)
class UsageGroup:
    """Totals of one group. Dimensions not grouped by are ``None``; so is ``api_key_id`` for
    requests made without a key."""

    totals: UsageTotals
    project_id: uuid.UUID | None = None
    api_key_id: uuid.UUID | None = None
    model: str | None = None


@dataclass(frozen=True, slots=True)
class UsageSummary:
    """Totals over ``[start, end)`` (minute-aligned; see ``align_range``), and per group when
    the query grouped (the model distribution is a summary grouped by model)."""

    start: datetime
    end: datetime
    totals: UsageTotals
    groups: tuple[UsageGroup, ...]


@dataclass(frozen=True, slots=True)
class UsageBucket:
    """One bucket of a series: ``[start, end)``, its groups (empty when nothing happened)."""

    start: datetime
    end: datetime
    groups: tuple[UsageGroup, ...]

    @property
    def totals(self) -> UsageTotals:
        """The sum over the bucket's groups."""
        total = UsageTotals()
        for group in self.groups:
            total += group.totals
        return total


@dataclass(frozen=True, slots=True)
class UsageSeries:
    """Consecutive buckets covering ``[start, end)``. Buckets are aligned to UTC boundaries of
    ``width``, except that the first and last are clipped to the range."""

    start: datetime
    end: datetime
    width: Granularity
    group_by: tuple[GroupBy, ...]
    buckets: tuple[UsageBucket, ...]

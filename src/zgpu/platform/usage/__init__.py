"""Usage analytics: rollups maintained as requests are recorded, and the queries over them."""

from zgpu.platform.usage.buckets import Granularity, UsageRange, align_range
from zgpu.platform.usage.models import UsageRollup
from zgpu.platform.usage.rollup import UsageSource, latency_us, record_usage
from zgpu.platform.usage.schemas import (
    GroupBy,
    UsageBucket,
    UsageGroup,
    UsageSeries,
    UsageSummary,
    UsageTotals,
)
from zgpu.platform.usage.service import MAX_BUCKETS, usage_series, usage_summary

__all__ = [
    "MAX_BUCKETS",
    "Granularity",
    "GroupBy",
    "UsageBucket",
    "UsageGroup",
    "UsageRange",
    "UsageRollup",
    "UsageSeries",
    "UsageSource",
    "UsageSummary",
    "UsageTotals",
    "align_range",
    "latency_us",
    "record_usage",
    "usage_series",
    "usage_summary",
]

"""``/v1/organization/usage``: usage analytics of the organization's projects, from rollups.

After OpenAI's admin usage API: ``start_time``/``end_time`` in Unix seconds, ``bucket_width``
``1m``/``1h``/``1d``, ``group_by`` (repeatable) ``project_id``/``api_key_id``/``model``, and a
``{"object": "page", "data": [bucket...]}`` answer whose buckets hold ``results``. Instead of
``start_time`` a preset ``range`` (``1d``, ``7d``, ``30d``, ending now) may be given. Range edges
are widened to whole minutes; the buckets then sum exactly to the request log.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from zgpu.api.deps import GatewayDep
from zgpu.api.errors import error_responses
from zgpu.api.management.deps import OrgAccess, OrgContext, in_session, require_permission
from zgpu.platform.authz import Permission
from zgpu.platform.db import utc_now
from zgpu.platform.errors import InvalidArgument, NotFound
from zgpu.platform.projects import list_projects
from zgpu.platform.usage import (
    Granularity,
    GroupBy,
    UsageGroup,
    UsageRange,
    UsageTotals,
    usage_series,
    usage_summary,
)

router = APIRouter(prefix="/v1/organization/usage", tags=["usage"])

_ERRORS = error_responses(400, 401, 403, 404)
MAX_UNIX = 253402300799  # 9999-12-31T23:59:59Z
_WIDTHS = {"1m": Granularity.MINUTE, "1h": Granularity.HOUR, "1d": Granularity.DAY}


class UsageResult(BaseModel):
    """Usage of one group (the dimensions not grouped by are ``null``)."""

    object: Literal["organization.usage.result"] = "organization.usage.result"
    num_model_requests: int
    errors: int = Field(description="Requests answered with a status of 400 or more.")
    input_tokens: int
    output_tokens: int
    average_latency_ms: float | None
    latency_us_sum: int = Field(description="Sum of latencies in whole microseconds.")
    project_id: str | None = None
    api_key_id: str | None = None
    model: str | None = None

    @classmethod
    def of(cls, totals: UsageTotals, group: UsageGroup | None = None) -> UsageResult:
        """The wire shape of some totals, tagged with their group."""
        return cls(
            num_model_requests=totals.requests,
            errors=totals.errors,
            input_tokens=totals.input_tokens,
            output_tokens=totals.output_tokens,
            average_latency_ms=totals.average_latency_ms,
            latency_us_sum=totals.latency_us_sum,
            project_id=str(group.project_id) if group and group.project_id else None,
            api_key_id=str(group.api_key_id) if group and group.api_key_id else None,
            model=group.model if group else None,
        )


class UsageBucketObject(BaseModel):
    """One time bucket (Unix seconds, half-open)."""

    object: Literal["bucket"] = "bucket"
    start_time: int
    end_time: int
    results: list[UsageResult]


class UsagePage(BaseModel):
    """Every bucket of the range (the whole range fits one page)."""

    object: Literal["page"] = "page"
    data: list[UsageBucketObject]
    has_more: bool = False
    next_page: str | None = None


class UsageSummaryObject(BaseModel):
    """Totals over the range (the dashboard's cards), and per group when grouped."""

    object: Literal["organization.usage.summary"] = "organization.usage.summary"
    start_time: int
    end_time: int
    totals: UsageResult
    results: list[UsageResult]


class UsageParams(BaseModel):
    """What to count. Unknown query parameters are refused."""

    model_config = ConfigDict(extra="forbid")

    start_time: int | None = Field(default=None, ge=0, le=MAX_UNIX, description="Unix seconds.")
    end_time: int | None = Field(
        default=None, ge=0, le=MAX_UNIX, description="Unix seconds; now by default."
    )
    range: UsageRange | None = Field(
        default=None, description="A preset instead of start_time; 7d when neither is given."
    )
    group_by: list[GroupBy] = Field(default_factory=list, max_length=3)
    project_ids: list[uuid.UUID] = Field(default_factory=list, max_length=1000)
    api_key_ids: list[uuid.UUID] | None = Field(default=None, max_length=1000)
    models: list[str] | None = Field(default=None, max_length=100)

    def span(self) -> tuple[datetime, datetime]:
        """``(start, end)``; raises ``InvalidArgument`` naming the parameter at fault."""
        if self.range is not None:
            if self.start_time is not None or self.end_time is not None:
                raise InvalidArgument(
                    "give either range or start_time/end_time, not both", param="range"
                )
            return self.range.resolve(utc_now())
        if self.start_time is None:
            if self.end_time is not None:
                raise InvalidArgument("end_time needs a start_time", param="start_time")
            return UsageRange.WEEK.resolve(utc_now())  # the usage page's default view
        start = datetime.fromtimestamp(self.start_time, UTC)
        end = utc_now() if self.end_time is None else datetime.fromtimestamp(self.end_time, UTC)
        if end <= start:
            raise InvalidArgument("end_time must be after start_time", param="end_time")
        return start, end


class UsageSeriesParams(UsageParams):
    """Series parameters: what to count and the bucket width."""

    bucket_width: Literal["1m", "1h", "1d"] = "1d"


def _projects(session: Session, ctx: OrgContext, wanted: Sequence[uuid.UUID]) -> list[uuid.UUID]:
    """The organization's projects, or the wanted ones (404 if any is not the org's)."""
    owned = {project.id for project in list_projects(session, ctx.organization_id)}
    for project_id in wanted:
        if project_id not in owned:
            raise NotFound(f"project {project_id} not found", param="project_ids")
    return sorted(wanted or owned)


def _unix(value: datetime) -> int:
    return int(value.timestamp())


@router.get(
    "",
    operation_id="getUsage",
    summary="Usage over time, in buckets",
    response_model=UsagePage,
    responses=_ERRORS,
)
async def series(
    ctx: OrgAccess, gateway: GatewayDep, params: Annotated[UsageSeriesParams, Query()]
) -> UsagePage:
    """Requests, tokens and latency per bucket, for charts of volume and token usage."""
    require_permission(ctx, Permission.USAGE_READ)
    start, end = params.span()
    width = _WIDTHS[params.bucket_width]

    def read(session: Session) -> UsagePage:
        project_ids = _projects(session, ctx, params.project_ids)
        found = usage_series(
            session,
            project_ids,
            start,
            end,
            width,
            group_by=params.group_by,
            api_key_ids=params.api_key_ids,
            models=params.models,
        )
        return UsagePage(
            data=[
                UsageBucketObject(
                    start_time=_unix(bucket.start),
                    end_time=_unix(bucket.end),
                    results=[UsageResult.of(group.totals, group) for group in bucket.groups],
                )
                for bucket in found.buckets
            ]
        )

    return await in_session(gateway, read)


@router.get(
    "/summary",
    operation_id="getUsageSummary",
    summary="Usage totals over a range",
    response_model=UsageSummaryObject,
    responses=_ERRORS,
)
async def summary(
    ctx: OrgAccess, gateway: GatewayDep, params: Annotated[UsageParams, Query()]
) -> UsageSummaryObject:
    """Total requests, average response time, input and output tokens; with ``group_by=model``
    the results are the model distribution."""
    require_permission(ctx, Permission.USAGE_READ)
    start, end = params.span()

    def read(session: Session) -> UsageSummaryObject:
        project_ids = _projects(session, ctx, params.project_ids)
        found = usage_summary(
            session,
            project_ids,
            start,
            end,
            group_by=params.group_by,
            api_key_ids=params.api_key_ids,
            models=params.models,
        )
        return UsageSummaryObject(
            start_time=_unix(found.start),
            end_time=_unix(found.end),
            totals=UsageResult.of(found.totals),
            results=[UsageResult.of(group.totals, group) for group in found.groups],
        )

    return await in_session(gateway, read)

"""``/v1/organization/projects/{project_id}/logs``: list, get and export a project's request logs.

Listing is keyset-paginated: ``next_cursor`` of one page is the ``after`` of the next, stable
while new requests are recorded. Query parameters are validated strictly: unknown ones and bad
values are 400s naming the parameter. Times are Unix seconds, ranges half-open.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from zgpu.api.deps import GatewayDep
from zgpu.api.errors import error_responses
from zgpu.api.management.deps import OrgAccess, in_session, project_of, require_permission
from zgpu.platform.authz import Permission
from zgpu.platform.errors import InvalidArgument
from zgpu.platform.logs import (
    ExportFormat,
    LogFilter,
    Order,
    RequestLog,
    SortKey,
    StatusFilter,
    export_logs,
    get_log,
    query_logs,
)

router = APIRouter(prefix="/v1/organization/projects/{project_id}/logs", tags=["logs"])

_ERRORS = error_responses(400, 401, 403, 404)
MAX_UNIX = 253402300799  # 9999-12-31T23:59:59Z


class LogObject(BaseModel):
    """One request as the Logs page shows it."""

    object: Literal["request_log"] = "request_log"
    id: str = Field(description="The request id (``x-request-id``).")
    created_at: int = Field(description="Unix seconds.")
    timestamp: str = Field(description="ISO 8601 time with microseconds (UTC).")
    model: str
    status: int
    error_code: str | None
    latency_ms: float
    input_tokens: int
    output_tokens: int
    api_key_id: str | None
    served_by: str | None
    route: str | None
    region: str | None

    @classmethod
    def of(cls, row: RequestLog) -> LogObject:
        """The wire shape of a stored row."""
        return cls(
            id=row.request_id,
            created_at=int(row.created_at.timestamp()),
            timestamp=row.created_at.isoformat(),
            model=row.model,
            status=row.status,
            error_code=row.error_code,
            latency_ms=row.latency_ms,
            input_tokens=row.input_tokens,
            output_tokens=row.output_tokens,
            api_key_id=str(row.api_key_id) if row.api_key_id is not None else None,
            served_by=row.served_by,
            route=row.route,
            region=row.region,
        )


class LogList(BaseModel):
    """A page of logs; pass ``next_cursor`` as ``after`` for the next one."""

    object: Literal["list"] = "list"
    data: list[LogObject]
    has_more: bool
    next_cursor: str | None


class LogFilterParams(BaseModel):
    """Filters shared by listing and export. Unknown query parameters are refused."""

    model_config = ConfigDict(extra="forbid")

    status: str | None = Field(
        default=None, max_length=8, description="A status (``404``) or a class (``4xx``)."
    )
    model: str | None = Field(default=None, max_length=128)
    api_key_id: uuid.UUID | None = None
    start_time: int | None = Field(
        default=None, ge=0, le=MAX_UNIX, description="Unix seconds, inclusive."
    )
    end_time: int | None = Field(
        default=None, ge=0, le=MAX_UNIX, description="Unix seconds, exclusive."
    )
    sort: SortKey = SortKey.TIME
    order: Order = Order.DESC

    def to_filter(self) -> LogFilter:
        """The platform filter; raises ``InvalidArgument`` naming the bad parameter."""
        return LogFilter(
            status=StatusFilter.parse(self.status) if self.status is not None else None,
            model=self.model,
            api_key_id=self.api_key_id,
            start=_time(self.start_time),
            end=_time(self.end_time),
        )


class LogListParams(LogFilterParams):
    """Listing parameters: filters, page size and cursor."""

    limit: int = Field(default=50, ge=1, le=1000)
    after: str | None = Field(default=None, max_length=256, description="A ``next_cursor``.")


class LogExportParams(LogFilterParams):
    """Export parameters: filters and the file format."""

    format: ExportFormat = ExportFormat.CSV


def _time(value: int | None) -> datetime | None:
    return datetime.fromtimestamp(value, UTC) if value is not None else None


@router.get(
    "",
    operation_id="listProjectLogs",
    summary="List a project's request logs",
    response_model=LogList,
    responses=_ERRORS,
)
async def list_(
    project_id: uuid.UUID,
    ctx: OrgAccess,
    gateway: GatewayDep,
    params: Annotated[LogListParams, Query()],
) -> LogList:
    """Requests of the project matching the filters, by time (default) or latency."""
    require_permission(ctx, Permission.LOGS_READ)
    await project_of(ctx, project_id, gateway)
    filters = params.to_filter()
    page = await in_session(
        gateway,
        lambda session: query_logs(
            session,
            project_id,
            filters,
            sort=params.sort,
            order=params.order,
            limit=params.limit,
            after=params.after,
        ),
    )
    return LogList(
        data=[LogObject.of(row) for row in page.data],
        has_more=page.has_more,
        next_cursor=page.next_cursor,
    )


@router.get(
    "/export",
    operation_id="exportProjectLogs",
    summary="Export a project's request logs as CSV or JSON Lines",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "The file, streamed.",
            "content": {"text/csv": {}, "application/x-ndjson": {}},
        },
        **_ERRORS,
    },
)
async def export(
    project_id: uuid.UUID,
    ctx: OrgAccess,
    gateway: GatewayDep,
    params: Annotated[LogExportParams, Query()],
) -> StreamingResponse:
    """Every matching request, streamed in chunks (memory stays flat for any size)."""
    require_permission(ctx, Permission.LOGS_READ)
    await project_of(ctx, project_id, gateway)
    filters = params.to_filter()
    chunks: Iterator[str] = export_logs(
        gateway.database.session,
        project_id,
        filters,
        params.format,
        sort=params.sort,
        order=params.order,
    )
    name = f"logs-{project_id}.{params.format.value}"
    return StreamingResponse(
        chunks,
        media_type=params.format.media_type,
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


@router.get(
    "/{request_id}",
    operation_id="getProjectLog",
    summary="Get one request log",
    response_model=LogObject,
    responses=_ERRORS,
)
async def get(
    project_id: uuid.UUID,
    request_id: str,
    ctx: OrgAccess,
    gateway: GatewayDep,
) -> LogObject:
    """The project's log of one request (404 when the project has no such request)."""
    require_permission(ctx, Permission.LOGS_READ)
    await project_of(ctx, project_id, gateway)
    if len(request_id) > 64:
        raise InvalidArgument("request_id is too long", param="request_id")
    row = await in_session(gateway, lambda session: get_log(session, project_id, request_id))
    return LogObject.of(row)

"""The request log entry the gateway records for every authenticated request."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, fields
from datetime import datetime
from enum import StrEnum
from typing import Any

from zgpu.platform.db.types import utc_now
from zgpu.platform.errors import InvalidArgument


class Route(StrEnum):
    """Where a request was served."""

    CLOUD = "cloud"
    EDGE = "edge"


_ROUTES = frozenset(route.value for route in Route)


@dataclass(frozen=True, slots=True, kw_only=True)
class RequestLogEntry:
    """One request, as stored in ``request_logs`` (every column but the row id).

    ``created_at`` defaults to now. Raises ``InvalidArgument`` for a naive ``created_at``, a
    negative token count, or a ``route`` other than ``"cloud"``, ``"edge"`` or ``None``.
    """

    request_id: str
    project_id: uuid.UUID
    model: str
    status: int
    latency_ms: float
    input_tokens: int = 0
    output_tokens: int = 0
    api_key_id: uuid.UUID | None = None
    error_code: str | None = None
    served_by: str | None = None
    route: str | None = None
    region: str | None = None
    created_at: datetime = field(default_factory=utc_now)

    def __post_init__(self) -> None:
        if self.created_at.utcoffset() is None:
            raise InvalidArgument("created_at must be timezone-aware", param="created_at")
        if self.input_tokens < 0 or self.output_tokens < 0:
            raise InvalidArgument("token counts must not be negative", param="tokens")
        if self.route is not None and self.route not in _ROUTES:
            raise InvalidArgument("route must be 'cloud', 'edge' or None", param="route")

    def as_row(self) -> dict[str, Any]:
        """The entry as column values for an insert."""
        return {name: getattr(self, name) for name in _FIELDS}


_FIELDS = tuple(f.name for f in fields(RequestLogEntry))

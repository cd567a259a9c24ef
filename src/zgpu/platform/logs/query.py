"""What a Logs page asks for: filters, sort order and the cursor position within that order."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from zgpu.platform.errors import InvalidArgument

_STATUS = re.compile(r"^(?:(?P<code>[1-5]\d\d)|(?P<cls>[1-5])xx)$", re.IGNORECASE)


class SortKey(StrEnum):
    """What the rows are ordered by (ties broken by row id, so the order is total)."""

    TIME = "time"
    LATENCY = "latency"


class Order(StrEnum):
    """Ascending or descending."""

    ASC = "asc"
    DESC = "desc"


@dataclass(frozen=True, slots=True)
class StatusFilter:
    """Either one status (``code``) or a class (``status_class`` 4 for ``"4xx"``)."""

    code: int | None = None
    status_class: int | None = None

    @classmethod
    def parse(cls, text: str) -> StatusFilter:
        """``"404"`` or ``"4xx"`` (100-599, 1xx-5xx); raises ``InvalidArgument`` (param
        ``status``) for anything else."""
        match = _STATUS.match(text.strip())
        if match is None:
            raise InvalidArgument(
                f"status must be a code like 404 or a class like 4xx, not {text!r}",
                param="status",
            )
        if match["code"] is not None:
            return cls(code=int(match["code"]))
        return cls(status_class=int(match["cls"]))

    def __str__(self) -> str:
        return str(self.code) if self.code is not None else f"{self.status_class}xx"


def _aware(value: datetime | None, param: str) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidArgument(f"{param} must be timezone-aware", param=param)
    return value.astimezone(UTC)


@dataclass(frozen=True, slots=True, kw_only=True)
class LogFilter:
    """Which of a project's rows to list; ``None`` fields do not filter.

    The time range is half-open, ``[start, end)``. Raises ``InvalidArgument`` for naive times
    (param ``start_time``/``end_time``) or ``end`` not after ``start``.
    """

    status: StatusFilter | None = None
    model: str | None = None
    api_key_id: uuid.UUID | None = None
    start: datetime | None = None
    end: datetime | None = None

    def __post_init__(self) -> None:
        start, end = _aware(self.start, "start_time"), _aware(self.end, "end_time")
        if start is not None and end is not None and end <= start:
            raise InvalidArgument("end_time must be after start_time", param="end_time")
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)

"""Folding recorded requests into rollup counters.

``rollup_rows`` groups a batch of requests in memory by ``(project, key, model, bucket)`` at
every granularity; ``record_usage`` upserts the groups in the caller's transaction, so the
rollups commit (or roll back) together with the log rows they summarise.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.orm import Session

from zgpu.platform.usage.buckets import GRANULARITIES, floor_time
from zgpu.platform.usage.models import ERROR_STATUS, NO_KEY
from zgpu.platform.usage.repository import UsageRepository


class UsageSource(Protocol):
    """What a rollup needs of a recorded request (``RequestLogEntry`` has all of it)."""

    @property
    def project_id(self) -> uuid.UUID: ...
    @property
    def api_key_id(self) -> uuid.UUID | None: ...
    @property
    def model(self) -> str: ...
    @property
    def status(self) -> int: ...
    @property
    def latency_ms(self) -> float: ...
    @property
    def input_tokens(self) -> int: ...
    @property
    def output_tokens(self) -> int: ...
    @property
    def created_at(self) -> datetime: ...


def latency_us(latency_ms: float) -> int:
    """A latency in whole microseconds (rounded half to even): the unit rollups sum."""
    return round(latency_ms * 1000)


@dataclass(slots=True)
class _Counters:
    requests: int = 0
    errors: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    latency_us_sum: int = 0


_GroupKey = tuple[uuid.UUID, str, datetime, uuid.UUID, str]


def rollup_rows(requests: Iterable[UsageSource]) -> list[dict[str, Any]]:
    """One row of summed counters per ``(project, granularity, bucket, key, model)``.

    Rows come sorted by that key, so concurrent writers lock rows in the same order.
    """
    groups: dict[_GroupKey, _Counters] = {}
    for request in requests:
        key_id = request.api_key_id if request.api_key_id is not None else NO_KEY
        latency = latency_us(request.latency_ms)
        error = 1 if request.status >= ERROR_STATUS else 0
        for granularity in GRANULARITIES:
            bucket = floor_time(request.created_at, granularity)
            group = (request.project_id, granularity.value, bucket, key_id, request.model)
            counters = groups.get(group)
            if counters is None:
                counters = groups[group] = _Counters()
            counters.requests += 1
            counters.errors += error
            counters.input_tokens += request.input_tokens
            counters.output_tokens += request.output_tokens
            counters.latency_us_sum += latency
    return [
        {
            "project_id": project_id,
            "granularity": granularity_name,
            "bucket_start": bucket,
            "api_key_id": key_id,
            "model": model,
            "requests": c.requests,
            "errors": c.errors,
            "input_tokens": c.input_tokens,
            "output_tokens": c.output_tokens,
            "latency_us_sum": c.latency_us_sum,
        }
        for (project_id, granularity_name, bucket, key_id, model), c in sorted(
            groups.items(), key=lambda item: _sort_key(item[0])
        )
    ]


def _sort_key(key: _GroupKey) -> tuple[str, str, datetime, str, str]:
    project_id, granularity, bucket, key_id, model = key
    return (str(project_id), granularity, bucket, str(key_id), model)


def record_usage(session: Session, requests: Iterable[UsageSource]) -> int:
    """Add ``requests`` to the rollups in the session's transaction; returns the rows upserted.

    Does not commit. Raises SQLAlchemy errors as they come (the caller's unit of work turns them
    into ``StorageError``); a project that does not exist violates a foreign key.
    """
    rows = rollup_rows(requests)
    UsageRepository(session).upsert_many(rows)
    return len(rows)

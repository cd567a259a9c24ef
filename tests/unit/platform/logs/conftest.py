"""A project with a few hundred varied logs, written through the repository in one go."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from zgpu.platform.db import Database
from zgpu.platform.keys import create_key
from zgpu.platform.logs import RequestLogEntry
from zgpu.platform.logs.repository import RequestLogRepository

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
MODELS = ("zlm-v1-summary-cloud", "zlm-v1-iab-classify-cloud")
STATUSES = (200, 200, 200, 400, 404, 404, 429, 500, 503)


@dataclass(frozen=True)
class Seeded:
    """The project, its two keys and the entries stored."""

    project_id: uuid.UUID
    keys: tuple[uuid.UUID, uuid.UUID]
    entries: list[RequestLogEntry]


def store(db: Database, entries: list[RequestLogEntry]) -> None:
    """Insert entries directly (no rollups: these tests are about the log)."""
    with db.session() as session:
        RequestLogRepository(session).insert_many(entries)


def make_entries(
    project_id: uuid.UUID, keys: tuple[uuid.UUID, ...], count: int, seed: int, prefix: str = "r"
) -> list[RequestLogEntry]:
    """``count`` entries one to 90 seconds apart, with repeated times and latencies (ties)."""
    rng = random.Random(seed)
    entries = []
    for n in range(count):
        entries.append(
            RequestLogEntry(
                request_id=f"{prefix}{n}",
                project_id=project_id,
                api_key_id=rng.choice(keys) if keys else None,
                model=rng.choice(MODELS),
                status=rng.choice(STATUSES),
                # Only ten latencies and coarse times: plenty of ties for the cursor to break.
                latency_ms=float(rng.randint(1, 10)),
                input_tokens=rng.randint(0, 500),
                output_tokens=rng.randint(0, 50),
                error_code="rate_limited" if n % 7 == 0 else None,
                created_at=T0 + timedelta(seconds=30 * rng.randint(0, count)),
            )
        )
    return entries


@pytest.fixture
def seeded(db: Database, project_id: uuid.UUID) -> Seeded:
    with db.session() as session:
        keys = (create_key(session, project_id, "a").id, create_key(session, project_id, "b").id)
    entries = make_entries(project_id, keys, 300, seed=3)
    store(db, entries)
    return Seeded(project_id=project_id, keys=keys, entries=entries)

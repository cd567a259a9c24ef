"""Seeded random traffic recorded through the real ``RequestLogWriter``."""

from __future__ import annotations

import asyncio
import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from zgpu.platform.accounts import create_organization
from zgpu.platform.db import Database
from zgpu.platform.keys import create_key
from zgpu.platform.logs import RequestLogEntry, RequestLogWriter
from zgpu.platform.projects import create_project

MODELS = ("zlm-v1-summary-cloud", "zlm-v1-iab-classify-cloud", "zlm-v1-sentiment")
STATUSES = (200, 200, 200, 200, 400, 401, 404, 420, 429, 499, 500, 503)
NOW = datetime(2026, 3, 31, 17, 42, 27, 123456, tzinfo=UTC)
"""The reference 'now' of the traffic: deliberately not aligned to any bucket."""


@dataclass(frozen=True)
class Fleet:
    """Projects and their keys (``None`` stands for requests recorded without a key)."""

    projects: tuple[uuid.UUID, ...]
    keys: dict[uuid.UUID, tuple[uuid.UUID | None, ...]]


def make_fleet(db: Database) -> Fleet:
    """Two organizations, three projects, two keys each."""
    with db.session() as session:
        acme = create_organization(session, "Acme")
        other = create_organization(session, "Other")
        projects = [
            create_project(session, acme.id, "Search").id,
            create_project(session, acme.id, "Ads").id,
            create_project(session, other.id, "Mail").id,
        ]
        keys = {
            project: (None, *(create_key(session, project, f"k{n}").id for n in range(2)))
            for project in projects
        }
    return Fleet(projects=tuple(projects), keys=keys)


def random_entries(fleet: Fleet, count: int, seed: int, days: int = 40) -> list[RequestLogEntry]:
    """``count`` requests spread over the ``days`` before ``NOW`` (a few at bucket edges)."""
    rng = random.Random(seed)
    entries = []
    for n in range(count):
        project = rng.choice(fleet.projects)
        if n % 10 == 0:  # exactly on a day, hour or minute boundary
            width = rng.choice((timedelta(days=1), timedelta(hours=1), timedelta(minutes=1)))
            created = NOW - width * rng.randint(1, days) + timedelta(0)
            created = created.replace(second=0, microsecond=0)
            if width >= timedelta(hours=1):
                created = created.replace(minute=0)
            if width == timedelta(days=1):
                created = created.replace(hour=0)
        else:
            created = NOW - timedelta(seconds=rng.uniform(0, days * 86400))
        status = rng.choice(STATUSES)
        entries.append(
            RequestLogEntry(
                request_id=f"req_{seed}_{n}",
                project_id=project,
                api_key_id=rng.choice(fleet.keys[project]),
                model=rng.choice(MODELS),
                status=status,
                latency_ms=rng.choice((rng.uniform(0.5, 900.0), rng.randint(1, 50) + 0.0005)),
                input_tokens=rng.randint(0, 4000) if status < 500 else 0,
                output_tokens=rng.randint(0, 300) if status < 400 else 0,
                route="cloud",
                created_at=created,
            )
        )
    return entries


async def record_all(db: Database, entries: list[RequestLogEntry], concurrency: int = 64) -> int:
    """Record every entry through a writer, ``concurrency`` at a time; returns the commits."""
    writer = RequestLogWriter(db)
    await writer.start()
    try:
        for start in range(0, len(entries), concurrency):
            chunk = entries[start : start + concurrency]
            await asyncio.gather(*(writer.record(entry) for entry in chunk))
    finally:
        await writer.stop()
    return writer.batches

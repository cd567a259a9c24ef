"""Logs and usage at scale: 1,000,000 log rows in one project, on SQLite and PostgreSQL.

Usage: python bench/logs_usage.py [--rows 1000000] [--backends sqlite,postgresql]
                                  [--rate 500] [--seconds 4] [--rounds 4] [--runs 9]
                                  [--record-only]

For each backend: fills one project with ``--rows`` request logs spread over 35 days (bulk
executemany in chunks of 50,000, rollups computed alongside in the same transactions), then
measures (median of ``--runs``):

- the first Logs page (50 rows) filtered by status class 4xx, newest first, and the next page;
- a 30-day usage summary, a 30-day daily series grouped by model and a 7-day hourly series;

and the latency of recording one request through ``RequestLogWriter`` at ``--rate`` requests/s
without rollups, with rollups, and with rollups and billing (the gateway's configuration): same
database, same run, ``--seconds`` each in ``--rounds`` alternating slices. The difference with
and without rollups is what rollups add; the difference between with rollups and with rollups
and billing is what billing adds. ``--record-only`` skips the queries (to iterate on
recording with a small ``--rows``). PostgreSQL is the embedded server of the test suite
(``tests.support.postgres``).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from rich.console import Console
from rich.table import Table
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.postgres import start_postgres
from zgpu.platform.accounts import create_organization
from zgpu.platform.db import Database, upgrade_to_head, utc_now
from zgpu.platform.keys import create_key
from zgpu.platform.logs import (
    LogFilter,
    RequestLogEntry,
    RequestLogWriter,
    StatusFilter,
    query_logs,
)
from zgpu.platform.logs.repository import RequestLogRepository
from zgpu.platform.projects import create_project
from zgpu.platform.usage import (
    Granularity,
    GroupBy,
    UsageRange,
    record_usage,
    usage_series,
    usage_summary,
)

MODELS = ("zlm-v1-summary-cloud", "zlm-v1-iab-classify-cloud", "zlm-v1-sentiment")
CHUNK = 50_000
LIMIT_MS = 100.0
console = Console()


@dataclass
class Result:
    backend: str
    fill_s: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    record: dict[str, tuple[float, float, float]] = field(default_factory=dict)
    plans: dict[str, str] = field(default_factory=dict)
    load: float = 0.0


def _status(rng: random.Random) -> int:
    roll = rng.random()
    if roll < 0.90:
        return 200
    if roll < 0.97:
        return rng.choice((400, 401, 404, 420, 429))
    return rng.choice((500, 503))


def fill(db: Database, project_id: uuid.UUID, keys: list[uuid.UUID], rows: int) -> float:
    rng = random.Random(42)
    now = utc_now()
    span = 35 * 86400
    started = time.perf_counter()
    for offset in range(0, rows, CHUNK):
        entries = []
        for n in range(offset, min(rows, offset + CHUNK)):
            status = _status(rng)
            entries.append(
                RequestLogEntry(
                    request_id=f"req_bench_{n}",
                    project_id=project_id,
                    api_key_id=rng.choice(keys),
                    model=rng.choice(MODELS),
                    status=status,
                    latency_ms=rng.uniform(2, 400),
                    input_tokens=rng.randint(10, 3000),
                    output_tokens=rng.randint(0, 200) if status < 400 else 0,
                    route="cloud",
                    created_at=now - timedelta(seconds=span * (1 - n / rows)),
                )
            )
        with db.session() as session:
            RequestLogRepository(session).insert_many(entries)
            record_usage(session, entries)
        console.print(f"  {min(rows, offset + CHUNK):>9,} rows", end="\r")
    elapsed = time.perf_counter() - started
    with db.engine.connect() as connection:
        connection.execute(text("ANALYZE"))
        connection.commit()
    return elapsed


def median_ms(runs: int, work: Callable[[], object]) -> float:
    work()  # warm caches and prepared statements
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def explain(db: Database, project_id: uuid.UUID) -> str:
    """The plan of the first 4xx page, as the backend reports it."""
    from sqlalchemy import select

    from zgpu.platform.logs import RequestLog

    stmt = (
        select(RequestLog)
        .where(RequestLog.project_id == project_id, RequestLog.status_class == 4)
        .order_by(RequestLog.created_at.desc(), RequestLog.id.desc())
        .limit(51)
    )
    compiled = str(stmt.compile(db.engine, compile_kwargs={"literal_binds": True}))
    prefix = "EXPLAIN QUERY PLAN " if db.dialect == "sqlite" else "EXPLAIN "
    with db.engine.connect() as connection:
        rows = connection.exec_driver_sql((prefix + compiled).replace("%", "%%")).all()
    return " | ".join(str(row[-1]) for row in rows)


def measure_queries(db: Database, project_id: uuid.UUID, runs: int, result: Result) -> None:
    four = LogFilter(status=StatusFilter.parse("4xx"))
    five = LogFilter(status=StatusFilter.parse("5xx"))

    def page(filters: LogFilter, second: bool = False) -> object:
        with db.session() as session:
            first = query_logs(session, project_id, filters, limit=50)
            if second:
                return query_logs(session, project_id, filters, limit=50, after=first.next_cursor)
            return first

    now = utc_now()
    start, end = UsageRange.MONTH.resolve(now)
    week_start, _ = UsageRange.WEEK.resolve(now)

    def summary() -> object:
        with db.session() as session:
            return usage_summary(session, [project_id], start, end)

    def daily_by_model() -> object:
        with db.session() as session:
            return usage_series(
                session, [project_id], start, end, Granularity.DAY, group_by=[GroupBy.MODEL]
            )

    def hourly_week() -> object:
        with db.session() as session:
            return usage_series(session, [project_id], week_start, end, Granularity.HOUR)

    result.timings["logs: first page, status 4xx"] = median_ms(runs, lambda: page(four))
    result.timings["logs: pages 1+2, status 4xx"] = median_ms(runs, lambda: page(four, True))
    result.timings["logs: first page, status 5xx"] = median_ms(runs, lambda: page(five))
    result.timings["logs: first page, no filter"] = median_ms(runs, lambda: page(LogFilter()))
    result.timings["usage: 30-day summary"] = median_ms(runs, summary)
    result.timings["usage: 30 days by day x model"] = median_ms(runs, daily_by_model)
    result.timings["usage: 7 days by hour"] = median_ms(runs, hourly_week)
    result.plans["first 4xx page"] = explain(db, project_id)
    with db.session() as session:
        totals = usage_summary(session, [project_id], start, end).totals
    result.plans["30-day requests"] = f"{totals.requests:,}"


RECORD_MODES: dict[str, tuple[bool, bool]] = {
    "without rollups": (False, False),
    "with rollups": (True, False),
    "with rollups and billing": (True, True),
}
"""The writer configurations compared, ``(usage_rollups, bill_usage)``; the gateway runs the
last one."""


async def measure_recording(
    db: Database,
    project_id: uuid.UUID,
    key: uuid.UUID,
    rate: float,
    seconds: float,
    rounds: int,
) -> dict[str, tuple[float, float, float]]:
    """``(mean, p50, p99)`` ms of ``record`` at ``rate``/s in each of ``RECORD_MODES``.

    Each mode runs ``seconds`` in all, in ``rounds`` slices, the modes alternating (in a
    rotated order each round) so that drift and neighbours' load affect them alike. Also
    returns, under ``"rollups add, median of rounds"``, the median over rounds of the
    difference of the mean with and without rollups, under ``"billing adds, median of
    rounds"`` the same for billing (with rollups and billing against with rollups), and under
    ``"one at a time, <mode>"`` the median latency of requests recorded one after the other
    (values as ``(v, v, v)``).
    """
    samples: dict[str, list[float]] = {name: [] for name in RECORD_MODES}
    per_round: dict[str, list[float]] = {name: [] for name in RECORD_MODES}
    rng = random.Random(7)

    async def one(writer: RequestLogWriter, into: list[float]) -> None:
        entry = RequestLogEntry(
            request_id=f"req_live_{uuid.uuid4().hex}",
            project_id=project_id,
            api_key_id=key,
            model=rng.choice(MODELS),
            status=_status(rng),
            latency_ms=rng.uniform(2, 400),
            input_tokens=rng.randint(10, 3000),
            output_tokens=rng.randint(0, 200),
            route="cloud",
        )
        started = time.perf_counter()
        await writer.record(entry)
        into.append((time.perf_counter() - started) * 1000)

    async def drive(mode: str, duration: float) -> None:
        rollups, billing = RECORD_MODES[mode]
        writer = RequestLogWriter(db, usage_rollups=rollups, bill_usage=billing)
        await writer.start()
        into: list[float] = []
        tasks = []
        interval = 1 / rate
        begin = time.perf_counter()
        n = 0
        try:
            while (elapsed := time.perf_counter() - begin) < duration:
                due = n * interval
                if due > elapsed:
                    await asyncio.sleep(due - elapsed)
                tasks.append(asyncio.create_task(one(writer, into)))
                n += 1
            await asyncio.gather(*tasks)
        finally:
            await writer.stop()
        samples[mode].extend(into)
        per_round[mode].append(statistics.fmean(into))

    async def sequential(mode: str, count: int) -> None:
        rollups, billing = RECORD_MODES[mode]
        writer = RequestLogWriter(db, usage_rollups=rollups, bill_usage=billing)
        await writer.start()
        try:
            for _ in range(count):
                await one(writer, alone[mode])
        finally:
            await writer.stop()

    for mode in RECORD_MODES:  # warm-up (connections, prepared statements), discarded
        await drive(mode, 0.3)
    for values in (*samples.values(), *per_round.values()):
        values.clear()
    # One request at a time: each is a batch of one; little queueing for load to amplify.
    alone: dict[str, list[float]] = {name: [] for name in RECORD_MODES}
    for _ in range(rounds):
        for mode in RECORD_MODES:
            await sequential(mode, 50)
    modes = list(RECORD_MODES)
    for round_ in range(rounds):
        for mode in modes[round_ % len(modes) :] + modes[: round_ % len(modes)]:
            await drive(mode, seconds / rounds)
    results = {
        name: (
            statistics.fmean(values),
            statistics.median(values),
            statistics.quantiles(values, n=100)[98],
        )
        for name, values in samples.items()
    }
    for name, with_mode, without_mode in (
        ("rollups add", "with rollups", "without rollups"),
        ("billing adds", "with rollups and billing", "with rollups"),
    ):
        added = statistics.median(
            with_ - without
            for with_, without in zip(per_round[with_mode], per_round[without_mode], strict=True)
        )
        results[f"{name}, median of rounds"] = (added, added, added)
    for name, values in alone.items():
        median = statistics.median(values)
        results[f"one at a time, {name}"] = (median, median, median)
    return results


def run_backend(name: str, url: str, args: argparse.Namespace) -> Result:
    console.print(f"[bold]{name}[/]: migrating and filling {args.rows:,} rows")
    upgrade_to_head(url)
    db = Database(url)
    result = Result(backend=name)
    try:
        with db.session() as session:
            organization = create_organization(session, "Bench")
            project = create_project(session, organization.id, "Bench")
            keys = [create_key(session, project.id, f"key {n}").id for n in range(3)]
        result.fill_s = fill(db, project.id, keys, args.rows)
        console.print(f"  filled in {result.fill_s:.1f} s")
        if not args.record_only:
            measure_queries(db, project.id, args.runs, result)
        console.print(f"  recording at {args.rate:.0f}/s, load average {os.getloadavg()[0]:.1f}")
        result.record = asyncio.run(
            measure_recording(db, project.id, keys[0], args.rate, args.seconds, args.rounds)
        )
        result.load = os.getloadavg()[0]
    finally:
        db.dispose()
    return result


def report(results: list[Result], args: argparse.Namespace) -> None:
    table = Table(title=f"Logs and usage with {args.rows:,} log rows (median of {args.runs})")
    table.add_column("measure")
    for result in results:
        table.add_column(result.backend, justify="right")
    for measure in results[0].timings:
        cells = []
        for result in results:
            value = result.timings[measure]
            colour = "green" if value < LIMIT_MS else "red"
            cells.append(f"[{colour}]{value:.2f} ms[/]")
        table.add_row(measure, *cells)
    for kind in RECORD_MODES:
        table.add_row(
            f"record at {args.rate:.0f}/s, {kind} (mean / p50 / p99)",
            *("{:.2f} / {:.2f} / {:.2f} ms".format(*result.record[kind]) for result in results),
        )
    table.add_row(
        "rollups add (mean / p50)",
        *(
            "{:+.3f} / {:+.3f} ms".format(
                result.record["with rollups"][0] - result.record["without rollups"][0],
                result.record["with rollups"][1] - result.record["without rollups"][1],
            )
            for result in results
        ),
    )
    table.add_row(
        f"rollups add, median of {args.rounds} rounds (mean)",
        *(f"{r.record['rollups add, median of rounds'][0]:+.3f} ms" for r in results),
    )
    table.add_row(
        "billing adds (mean / p50)",
        *(
            "{:+.3f} / {:+.3f} ms".format(
                result.record["with rollups and billing"][0] - result.record["with rollups"][0],
                result.record["with rollups and billing"][1] - result.record["with rollups"][1],
            )
            for result in results
        ),
    )
    table.add_row(
        f"billing adds, median of {args.rounds} rounds (mean)",
        *(f"{r.record['billing adds, median of rounds'][0]:+.3f} ms" for r in results),
    )
    table.add_row(
        "one request at a time, without / with rollups / and billing (p50)",
        *(
            " / ".join(f"{r.record[f'one at a time, {kind}'][0]:.2f}" for kind in RECORD_MODES)
            + " ms"
            for r in results
        ),
    )
    table.add_row("load average after recording", *(f"{r.load:.1f}" for r in results))
    table.add_row("bulk fill", *(f"{r.fill_s:.1f} s" for r in results))
    console.print(table)
    for result in results:
        for name, plan in result.plans.items():
            console.print(f"[dim]{result.backend} {name}: {plan}[/]")
    worst_query = max((v for r in results for v in r.timings.values()), default=0.0)
    worst_added = max(r.record["with rollups"][0] - r.record["without rollups"][0] for r in results)
    worst_billing = max(r.record["billing adds, median of rounds"][0] for r in results)
    ok = worst_query < LIMIT_MS and worst_added < 1.0
    console.print(
        f"{'PASS' if ok else 'FAIL'}: slowest query {worst_query:.1f} ms (< {LIMIT_MS:.0f}), "
        f"rollups add {worst_added:+.3f} ms per request at {args.rate:.0f}/s (< 1 ms); "
        f"billing adds {worst_billing:+.3f} ms (median of rounds); "
        f"{args.rows:,} rows; {platform.machine()}, {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.1f}, Python {platform.python_version()}, "
        f"{', '.join(r.backend for r in results)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--rate", type=float, default=500.0)
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument(
        "--record-only", action="store_true", help="skip the queries; measure recording only"
    )
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="zgpu-bench-") as tmp:
        for backend in args.backends.split(","):
            if backend == "sqlite":
                url = f"sqlite:///{Path(tmp) / 'bench.db'}"
                results.append(run_backend("SQLite", url, args))
            elif backend == "postgresql":
                server = start_postgres()
                try:
                    url = server.create_database()
                    results.append(run_backend("PostgreSQL", url, args))
                finally:
                    server.stop()
            else:
                parser.error(f"unknown backend {backend!r}")
    report(results, args)


if __name__ == "__main__":
    main()

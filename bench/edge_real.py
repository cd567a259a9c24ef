"""Edge vs cloud end to end, with real processes: a gateway, NATS, ten edge nodes on loopback.

Usage: python bench/edge_real.py [--requests 60] [--nodes 10] [--concurrency 1]

Starts ``zgpu serve`` (SQLite, embedded NATS in operator mode, one cloud worker inside the
gateway) in a temporary data dir, with ``ZGPU_MODEL_DIR`` pointing at built artifacts
(``.cache/test-artifacts`` by default) so nothing is built. Creates an admin key in the
gateway's database, then over the management API: one enrollment token per node, a second
project whose edge policy is ``cloud_only`` and an API key for it (the default project keeps
policy ``any``). Starts the nodes one after the other (``zgpu node --server URL --token T --lat
--lon``, each with its own data dir and the shared artifact dir) at ten cities, and waits until
``GET /v1/organization/nodes`` shows them all online.

Then, for both models (IAB on a 250-word paragraph, summary on a 630-word article), sends
``--requests`` requests through each project from three origins (``x-zerogpu-location``),
edge and cloud interleaved so both see the same machine load, after an unmeasured warm-up. It
prints p50/p95 end-to-end latency of edge-served and cloud-served answers per model, who
served them (``x-zerogpu-served-by``, ``x-zerogpu-node-id``), the fallbacks (requests of the
edge project answered by the cloud) and a one-line summary.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.server import ServerProcess, process_env
from zgpu.config import Settings
from zgpu.platform.accounts import list_organizations
from zgpu.platform.admin_keys import create_admin_key
from zgpu.platform.db import Database

ROOT = Path(__file__).parents[1]
DATA = Path(__file__).parent / "data"
MODELS = {
    "zlm-v1-iab-classify-cloud": (DATA / "paragraph_250.txt").read_text().strip(),
    "zlm-v1-summary-cloud": (DATA / "article_630.txt").read_text().strip(),
}
CITIES = [
    ("paris", 48.86, 2.35),
    ("london", 51.51, -0.13),
    ("frankfurt", 50.11, 8.68),
    ("madrid", 40.42, -3.70),
    ("new-york", 40.71, -74.01),
    ("chicago", 41.88, -87.63),
    ("sao-paulo", -23.55, -46.63),
    ("tokyo", 35.68, 139.69),
    ("singapore", 1.35, 103.82),
    ("sydney", -33.87, 151.21),
]
ORIGINS = {"paris": "48.85,2.35", "new-york": "40.73,-73.99", "tokyo": "35.69,139.70"}


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


@dataclass
class Sample:
    variant: str  # "edge" (policy any) or "cloud" (policy cloud_only)
    model: str
    origin: str
    ms: float
    served_by: str
    node_id: str


@dataclass
class Fleet:
    gateway: ServerProcess
    env: dict[str, str]
    nodes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.gateway.url

    def stop(self) -> None:
        for proc in self.nodes:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        self.gateway.stop()
        for proc in self.nodes:
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(30)


def start_gateway(data_dir: Path, model_dir: Path, verify_sample: float) -> Fleet:
    extra = {
        "ZGPU_MODEL_DIR": str(model_dir),
        "ZGPU_BILLING_ENFORCED": "false",
        "ZGPU_EDGE_VERIFY_SAMPLE": str(verify_sample),
    }
    gateway = ServerProcess(data_dir, extra_env=extra)
    try:
        gateway.start(timeout=180)
    except RuntimeError as exc:
        raise SystemExit(f"the gateway did not start; see {gateway.log_path}") from exc
    return Fleet(gateway, process_env(data_dir, None, **extra))


def admin_secret(data_dir: Path) -> str:
    """An admin key of the oldest organization, written straight into the gateway's database."""
    database = Database(Settings(data_dir=data_dir).resolved_database_url)
    try:
        with database.session() as session:
            organization = list_organizations(session)[0]
            return create_admin_key(session, organization.id, "edge bench", None).secret
    finally:
        database.dispose()


def api_key(env: dict[str, str]) -> tuple[str, str]:
    """(key, project id) of a new key in the default project (edge policy ``any``)."""
    made = json.loads(
        subprocess.run(
            [sys.executable, "-m", "zgpu.cli", "keys", "create", "--json"],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    return str(made["key"]), str(made["project_id"])


def cloud_only_project(admin: httpx.Client) -> tuple[str, str]:
    """(key, project id) in a new project whose edge policy is ``cloud_only``."""
    project = admin.post("/v1/organization/projects", json={"name": "cloud only"})
    project.raise_for_status()
    project_id = project.json()["id"]
    admin.patch(
        f"/v1/organization/projects/{project_id}", json={"edge_policy": "cloud_only"}
    ).raise_for_status()
    key = admin.post(f"/v1/organization/projects/{project_id}/api_keys", json={"name": "bench"})
    key.raise_for_status()
    return str(key.json()["value"]), project_id


def online(admin: httpx.Client) -> list[dict[str, object]]:
    nodes = admin.get("/v1/organization/nodes").json()["data"]
    return [n for n in nodes if n["status"] == "online" and n["models"]]


def city_names(admin: httpx.Client) -> dict[str, str]:
    """Node id -> the city it was started at (matched on its reported position)."""
    names = {}
    for node in admin.get("/v1/organization/nodes").json()["data"]:
        for name, lat, lon in CITIES:
            if abs(node["lat"] - lat) < 0.01 and abs(node["lon"] - lon) < 0.01:
                names[node["id"]] = name
    return names


def start_nodes(fleet: Fleet, admin: httpx.Client, root: Path, count: int, gap_s: float) -> None:
    """Enroll and start ``count`` node processes, ``gap_s`` apart; wait for all to be online."""
    for i, (name, lat, lon) in enumerate(CITIES[:count]):
        token = admin.post("/v1/organization/nodes/tokens", json={"name": name, "ttl_hours": 1})
        token.raise_for_status()
        node_dir = root / f"node-{i}-{name}"
        node_dir.mkdir()
        env = {**fleet.env, "ZGPU_DATA_DIR": str(node_dir)}
        argv = ["node", "--server", fleet.url, "--token", token.json()["token"]]
        argv += ["--lat", str(lat), "--lon", str(lon)]
        fleet.nodes.append(
            subprocess.Popen(
                [sys.executable, "-m", "zgpu.cli", *argv],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=(node_dir / "node.log").open("wb"),
                start_new_session=True,
            )
        )
        time.sleep(gap_s)
    deadline = time.monotonic() + 300
    while len(online(admin)) < count:
        dead = [p.args for p in fleet.nodes if p.poll() is not None]
        if dead or time.monotonic() > deadline:
            raise SystemExit(f"nodes not online (exited: {len(dead)}); see {root}/node-*/node.log")
        time.sleep(0.5)


async def drive(
    url: str, keys: dict[str, tuple[str, str]], rounds: int, concurrency: int, measure: bool
) -> list[Sample]:
    """``rounds`` × models × origins × variants requests, variants interleaved."""
    jobs = [
        (variant, model, origin)
        for _, origin, model, variant in itertools.product(
            range(rounds), ORIGINS, MODELS, ("edge", "cloud")
        )
    ]
    samples: list[Sample] = []
    queue: asyncio.Queue[tuple[str, str, str]] = asyncio.Queue()
    for job in jobs:
        queue.put_nowait(job)
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:

        async def loop() -> None:
            while not queue.empty():
                variant, model, origin = queue.get_nowait()
                key, project_id = keys[variant]
                headers = {
                    "x-api-key": key,
                    "x-project-id": project_id,
                    "x-zerogpu-location": ORIGINS[origin],
                }
                start = time.perf_counter()
                response = await client.post(
                    "/v1/responses", json={"model": model, "input": MODELS[model]}, headers=headers
                )
                ms = (time.perf_counter() - start) * 1000
                response.raise_for_status()
                if measure:
                    samples.append(
                        Sample(
                            variant,
                            model,
                            origin,
                            ms,
                            response.headers["x-zerogpu-served-by"],
                            response.headers["x-zerogpu-node-id"],
                        )
                    )

        await asyncio.gather(*(loop() for _ in range(concurrency)))
    return samples


def report(
    console: Console, samples: list[Sample], args: argparse.Namespace, setup_s: float
) -> None:
    table = Table(title=f"Edge vs cloud end to end (ms), {args.nodes} node processes on loopback")
    for column in ("model", "project", "served by", "n", "p50", "p95"):
        table.add_column(column, justify="left" if column in ("model", "project") else "right")
    summary = []
    for model in MODELS:
        for variant, project in (("edge", "policy any"), ("cloud", "cloud_only")):
            group = [s for s in samples if s.model == model and s.variant == variant]
            for served in ("edge", "cloud"):
                ms = [s.ms for s in group if s.served_by == served]
                if not ms:
                    continue
                p50, p95 = statistics.median(ms), percentile(ms, 0.95)
                table.add_row(model, project, served, str(len(ms)), f"{p50:.0f}", f"{p95:.0f}")
                if variant == served:
                    summary.append(f"{model.split('-')[2]} {served} p50 {p50:.0f}/p95 {p95:.0f}")
    console.print(table)
    edge_project = [s for s in samples if s.variant == "edge"]
    fallbacks = [s for s in edge_project if s.served_by == "cloud"]
    leaks = [s for s in samples if s.variant == "cloud" and s.served_by == "edge"]
    by_node = Counter(s.node_id for s in edge_project if s.served_by == "edge")
    console.print(f"served by (edge project): {dict(by_node)}")
    for origin in ORIGINS:
        for model in MODELS:
            counts = Counter(
                s.node_id for s in edge_project if s.origin == origin and s.model == model
            )
            console.print(f"  from {origin}, {model}: {dict(counts)}")
    console.print(
        f"fallbacks: {len(fallbacks)} of {len(edge_project)} edge-project requests answered by the"
        f" cloud; cloud-only requests served at the edge: {len(leaks)}"
    )
    load = os.getloadavg()
    console.print(
        f"{time.strftime('%Y-%m-%d')} {platform.machine()} {os.cpu_count()} cores, load"
        f" {load[0]:.1f}: {args.nodes} nodes online in {setup_s:.0f} s; "
        + "; ".join(summary)
        + f"; {len(fallbacks)} fallbacks"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=60, help="per model and project")
    parser.add_argument("--warmup", type=int, default=6, help="unmeasured, per model and project")
    parser.add_argument("--nodes", type=int, default=10, choices=range(1, len(CITIES) + 1))
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--start-gap", type=float, default=2.0, help="seconds between nodes")
    parser.add_argument("--verify-sample", type=float, default=0.0)
    parser.add_argument("--keep", action="store_true", help="keep the temporary dir (logs)")
    args = parser.parse_args()
    model_dir = Path(os.environ.get("ZGPU_MODEL_DIR", ROOT / ".cache" / "test-artifacts"))
    console = Console()
    tmp = Path(tempfile.mkdtemp(prefix="zgpu-edge-real-"))
    gateway_dir = tmp / "gateway"
    gateway_dir.mkdir()
    started = time.monotonic()
    fleet = start_gateway(gateway_dir, model_dir.resolve(), args.verify_sample)
    try:
        edge_key = api_key(fleet.env)
        admin = httpx.Client(
            base_url=fleet.url,
            headers={"authorization": f"Bearer {admin_secret(gateway_dir)}"},
            timeout=30,
        )
        with admin:
            cloud_key = cloud_only_project(admin)
            console.print(f"gateway at {fleet.url}; starting {args.nodes} nodes ...")
            start_nodes(fleet, admin, tmp, args.nodes, args.start_gap)
            setup_s = time.monotonic() - started
            console.print(f"all online after {setup_s:.0f} s; warm-up, then measuring ...")
            keys = {"edge": edge_key, "cloud": cloud_key}
            per_origin = max(1, args.warmup // len(ORIGINS))
            asyncio.run(drive(fleet.url, keys, per_origin, args.concurrency, measure=False))
            rounds = max(1, args.requests // len(ORIGINS))
            samples = asyncio.run(drive(fleet.url, keys, rounds, args.concurrency, measure=True))
            still = len(online(admin))
            names = city_names(admin)
    finally:
        fleet.stop()
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    for sample in samples:
        sample.node_id = names.get(sample.node_id, sample.node_id)
    report(console, samples, args, setup_s)
    total_s = time.monotonic() - started
    console.print(f"nodes still online at the end: {still} of {args.nodes}; total {total_s:.0f} s")


if __name__ == "__main__":
    main()

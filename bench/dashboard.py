"""The dashboard at scale: each page's time to data with 1,000,000 log rows in the project.

Usage: python bench/dashboard.py [--rows 1000000] [--runs 5]

Starts ``zgpu serve`` on a fresh SQLite database, signs up through the API (an organization
with its default project), creates three keys, fills the project with ``--rows`` request logs
and their usage rollups with ``fill`` of ``bench/logs_usage.py`` (35 days of traffic), builds
the dashboard if its sources changed, then drives Debian's headless Chromium (Playwright):
for each page it navigates to the page's URL and records ``performance.now()`` (milliseconds
since the navigation started) at the first animation frame where the page's data is in the
DOM. Median of ``--runs`` navigations per page, after one warm-up navigation (the browser has
the content-hashed assets cached, as a returning user does).

It also reports the initial JavaScript and CSS, gzipped (level 9): the entry script and
stylesheet of ``index.html`` plus its modulepreloads; pages load lazily after that.

Target (issue 7): every page's data visible within 500 ms; initial JS under 250 KB gzipped.
"""

from __future__ import annotations

import argparse
import gzip
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
from playwright.sync_api import Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from logs_usage import fill  # noqa: E402  (the shared 1M-row fill of the logs bench)
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.support.server import ServerProcess  # noqa: E402
from zgpu.platform.db import Database  # noqa: E402

DIST = ROOT / "src" / "zgpu" / "web" / "dist"
PASSWORD = "a long bench passphrase"
LIMIT_MS = 500.0
JS_LIMIT_KB = 250.0


@dataclass(frozen=True)
class PageCase:
    """A page to load and the JavaScript condition meaning "its data is visible"."""

    name: str
    path: str
    ready: str


def _rows(selector: str, at_least: int) -> str:
    return f"document.querySelectorAll({selector!r}).length >= {at_least}"


CASES = (
    PageCase(
        "Dashboard",
        "/",
        "(document.querySelector('[aria-label=\"API key\"]')?.textContent ?? '')"
        ".startsWith('zgpu-api-') && !!document.querySelector('[data-testid=snippet]')",
    ),
    PageCase("API keys", "/keys", _rows("table.keys-table tbody tr", 3)),
    PageCase("Logs", "/logs", _rows("table.logs-table tbody tr", 50)),
    PageCase("Logs, status 5xx", "/logs?status=5xx", _rows("table.logs-table tbody tr", 50)),
    PageCase("Logs, by latency", "/logs?sort=latency", _rows("table.logs-table tbody tr", 50)),
    PageCase(
        "Usage (7 days)",
        "/usage",
        "[...document.querySelectorAll('.card .value')].length === 4"
        " && document.querySelector('.card .value').textContent !== '0'"
        " && document.querySelectorAll('.chart-bar').length > 0"
        " && document.querySelectorAll('[role=meter]').length > 0",
    ),
    PageCase(
        "Usage (30 days)",
        "/usage?range=30d",
        "document.querySelectorAll('.chart-bar').length >= 30"
        " && document.querySelectorAll('[role=meter]').length > 0",
    ),
)


def initial_bundle_kb() -> tuple[float, list[str]]:
    """Gzipped KB of what ``index.html`` loads before any page chunk, and those files."""
    html = (DIST / "index.html").read_text()
    refs = re.findall(r'<script[^>]+src="([^"]+)"', html)
    refs += re.findall(r'<link[^>]+rel="(?:stylesheet|modulepreload)"[^>]*href="([^"]+)"', html)
    refs += re.findall(r'<link[^>]+href="([^"]+)"[^>]*rel="(?:stylesheet|modulepreload)"', html)
    files = sorted(set(refs))
    total = sum(len(gzip.compress((DIST / ref.lstrip("/")).read_bytes(), 9)) for ref in files)
    return total / 1024, files


def build_dashboard() -> None:
    subprocess.run([str(ROOT / "scripts" / "build-web.sh")], check=True, cwd=ROOT)


def sign_up(base_url: str) -> tuple[str, uuid.UUID, list[uuid.UUID]]:
    """A new account with its default project and three keys: (email, project, key ids)."""
    email = f"bench-{uuid.uuid4().hex[:8]}@example.com"
    with httpx.Client(base_url=base_url, timeout=60) as client:
        session = (
            client.post(
                "/v1/auth/signup",
                json={
                    "email": email,
                    "password": PASSWORD,
                    "name": "Bench",
                    "organization_name": "Bench",
                },
            )
            .raise_for_status()
            .json()
        )
        headers = {"x-csrf-token": session["csrf_token"]}
        projects = client.get("/v1/organization/projects", headers=headers).raise_for_status()
        project = projects.json()["data"][0]["id"]
        keys = [
            client.post(
                f"/v1/organization/projects/{project}/api_keys",
                json={"name": f"bench key {n}"},
                headers=headers,
            )
            .raise_for_status()
            .json()["id"]
            for n in range(3)
        ]
    return email, uuid.UUID(project), [uuid.UUID(k) for k in keys]


def time_to_data(page: Page, url: str, ready: str) -> float:
    """Navigate to ``url``; ms from navigation start to the first frame where ``ready`` holds.

    Raises ``RuntimeError`` with the page's visible text when the data never shows (60 s).
    """
    page.goto(url, wait_until="commit")
    try:
        handle = page.wait_for_function(
            f"() => {{ if ({ready}) {{ window.__ready ??= performance.now();"
            " return window.__ready; } return false; }",
            polling="raf",
            timeout=60_000,
        )
    except PlaywrightTimeout:
        shown = page.locator("body").inner_text()[:2000]
        message = f"{url}: data not visible after 60 s; the page shows:\n{shown}"
        raise RuntimeError(message) from None
    return float(handle.json_value())


def measure(base_url: str, email: str, runs: int) -> dict[str, list[float]]:
    samples: dict[str, list[float]] = {}
    with sync_playwright() as driver:
        browser = driver.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        page.goto(f"{base_url}/signin")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("heading", name="Dashboard", level=1).wait_for()
        for case in CASES:
            url = f"{base_url}{case.path}"
            time_to_data(page, url, case.ready)  # warm-up: assets cached, statements prepared
            samples[case.name] = [time_to_data(page, url, case.ready) for _ in range(runs)]
            print(f"  {case.name:<18} {statistics.median(samples[case.name]):7.1f} ms", flush=True)
        browser.close()
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="keep the filled database here and reuse it on the next run (default: temporary)",
    )
    args = parser.parse_args()

    build_dashboard()
    bundle_kb, bundle_files = initial_bundle_kb()
    with tempfile.TemporaryDirectory(prefix="zgpu-bench-dashboard-") as tmp:
        data_dir = args.data_dir or Path(tmp)
        data_dir.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{data_dir / 'bench.db'}"
        marker = data_dir / "bench-account.txt"  # a filled database to measure again
        server = ServerProcess(data_dir, url).start(timeout=600)
        try:
            if marker.is_file():
                email = marker.read_text().strip()
                print(f"reusing the filled database in {data_dir}", flush=True)
            else:
                email, project_id, keys = sign_up(server.url)
                print(f"filling {args.rows:,} log rows ...", flush=True)
                db = Database(url)
                try:
                    fill_s = fill(db, project_id, keys, args.rows)
                finally:
                    db.dispose()
                print(f"\n  filled in {fill_s:.1f} s", flush=True)
                marker.write_text(email)
            samples = measure(server.url, email, args.runs)
        finally:
            server.stop()

    medians = {name: statistics.median(values) for name, values in samples.items()}
    print()
    print(f"Dashboard with {args.rows:,} log rows, SQLite (median of {args.runs}, ms to data)")
    print("| page | median | min | max | target |")
    print("|---|---|---|---|---|")
    for name, values in samples.items():
        print(
            f"| {name} | {medians[name]:.0f} ms | {min(values):.0f} ms | {max(values):.0f} ms"
            f" | < {LIMIT_MS:.0f} ms |"
        )
    print(f"| initial JS + CSS, gzipped | {bundle_kb:.1f} KB | | | < {JS_LIMIT_KB:.0f} KB |")
    print(f"  ({', '.join(bundle_files)})")
    worst_name, worst = max(medians.items(), key=lambda item: item[1])
    ok = worst < LIMIT_MS and bundle_kb < JS_LIMIT_KB
    print(
        f"{'PASS' if ok else 'FAIL'}: slowest page {worst_name} {worst:.0f} ms (< {LIMIT_MS:.0f}),"
        f" initial bundle {bundle_kb:.1f} KB gzipped (< {JS_LIMIT_KB:.0f}); {args.rows:,} rows;"
        f" {platform.machine()}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f},"
        f" Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}"
    )


if __name__ == "__main__":
    main()

"""Browser tests of the dashboard: a real ``zgpu serve`` and Debian's headless Chromium.

Fixtures:

- ``live_gateway`` (module): a gateway on SQLite in a temporary directory serving the built
  dashboard; ``.base_url`` is its address.
- ``browser`` (module): Chromium at ``/usr/bin/chromium`` driven by Playwright.
- ``new_page(width, height)``: a fresh context (own cookies and storage) and page, closed after
  the test; ``page`` is one at desktop size.

Helpers: ``screenshot(page, name)`` saves ``<name>-desktop.png`` and ``<name>-phone.png`` under
``tests/artifacts/screenshots/``; ``sign_up(page, base_url, email=...)`` creates an account in
the browser and returns once the Dashboard shows.

Every test here belongs to the ``e2e`` xdist group (one worker runs them all, so one dashboard
build and at most a few browsers at a time).
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

from tests.support.browser import CHROMIUM, CHROMIUM_ARGS
from tests.support.server import ServerProcess

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "tests" / "artifacts" / "screenshots"
DESKTOP = (1280, 800)
PHONE = (390, 844)
PASSWORD = "a long test passphrase"

NewPage = Callable[[int, int], Page]

# A loaded 2-core machine runs the gateway, the browser and the models at once: be patient.
expect.set_options(timeout=15_000)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Put every browser test in the ``e2e`` xdist group."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.xdist_group("e2e"))


@dataclass
class LiveGateway:
    """A running ``zgpu serve`` with the dashboard."""

    server: ServerProcess

    @property
    def base_url(self) -> str:
        return self.server.url


def _packages_installed() -> bool:
    """Whether ``web/node_modules`` holds exactly the locked packages (so building downloads
    nothing)."""
    web = ROOT / "web"
    stamp = web / "node_modules" / ".zgpu-lock.sha256"
    if not stamp.is_file():
        return False
    locked = hashlib.sha256((web / "package-lock.json").read_bytes()).hexdigest()
    return stamp.read_text().strip() == locked


def _build_dashboard() -> None:
    """Rebuild ``web/`` into the package if its sources changed (a no-op otherwise).

        Builds only with the locked packages already installed (``scripts/build-web.sh`` run once
        by bootstrap); otherwise the existing bundle is used. Without one the tests fail: the test
    command always builds it, so a missing bundle is a broken build, not a reason to skip.
    """
    if shutil.which("npm") is not None and _packages_installed():
        subprocess.run([str(ROOT / "scripts" / "build-web.sh")], check=True, cwd=ROOT, timeout=600)
    if not (ROOT / "src" / "zgpu" / "web" / "dist" / "index.html").is_file():
        pytest.fail("the dashboard is not built: run scripts/build-web.sh (needs npm)")


@pytest.fixture(scope="session")
def dashboard_built() -> None:
    """The dashboard's bundle, up to date with ``web/``."""
    _build_dashboard()


@pytest.fixture(scope="module")
def live_gateway(
    tmp_path_factory: pytest.TempPathFactory, dashboard_built: None
) -> Iterator[LiveGateway]:
    """A real gateway on SQLite serving the dashboard at ``/``."""
    server = ServerProcess(tmp_path_factory.mktemp("gateway")).start(timeout=600)
    try:
        yield LiveGateway(server)
    finally:
        server.stop()


@pytest.fixture(scope="module")
def playwright_instance() -> Iterator[Playwright]:
    """Playwright's driver for the module."""
    if not CHROMIUM.exists():
        pytest.fail(
            "Debian's chromium is not installed at /usr/bin/chromium (scripts/test installs it)"
        )
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    """Headless Chromium, offline except for the gateway under test."""
    instance = playwright_instance.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield instance
    instance.close()


@pytest.fixture
def new_page(browser: Browser) -> Iterator[NewPage]:
    """Open pages in fresh contexts of a given viewport; all are closed after the test."""
    contexts = []

    def open_page(width: int = DESKTOP[0], height: int = DESKTOP[1]) -> Page:
        context = browser.new_context(viewport={"width": width, "height": height})
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: NewPage) -> Page:
    """A fresh page at desktop size (1280x800)."""
    return new_page(*DESKTOP)


def screenshot(page: Page, name: str) -> None:
    """Save the page as ``<name>-desktop.png`` and ``<name>-phone.png`` (full page).

    The viewport is resized to 1280x800 and then 390x844 and restored afterwards.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    before = page.viewport_size
    for label, (width, height) in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(150)  # let layout settle after the resize
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}.png"), full_page=True)
    if before is not None:
        page.set_viewport_size(before)


def unique_email(prefix: str = "user") -> str:
    """An email address no other test uses."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}@example.com"


def sign_up(
    page: Page,
    base_url: str,
    email: str | None = None,
    password: str = PASSWORD,
    name: str = "Test User",
    organization: str = "Test Org",
) -> str:
    """Create an account through the sign-up form; return its email once the Dashboard shows."""
    email = email or unique_email()
    page.goto(f"{base_url}/signup")
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_label("Organization name").fill(organization)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    return email


def sign_in(page: Page, base_url: str, email: str, password: str = PASSWORD) -> None:
    """Sign in through the form and return once the Dashboard shows."""
    page.goto(f"{base_url}/signin")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()

"""Screenshots of the core pages at desktop and phone width, and role-aware controls.

The pages are filled with real traffic (requests sent with a key created in the browser) so
the screenshots show data rather than empty states; a viewer sees keys but no create or
revoke buttons.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.conftest import (
    DESKTOP,
    LiveGateway,
    NewPage,
    screenshot,
    sign_up,
    unique_email,
)

pytestmark = pytest.mark.xdist_group("e2e")

MODELS = ("zlm-v1-summary-cloud", "zlm-v1-iab-classify-cloud")
TEXT = (
    "The city council approved a new budget for public parks on Tuesday, adding funds for "
    "playgrounds, trees and walking paths across several neighbourhoods."
)


@dataclass
class Owner:
    """An owner signed in in its own browser context, with a key and some traffic."""

    context: BrowserContext
    page: Page
    email: str
    project_id: str
    key: str


def _create_key(page: Page, name: str) -> str:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="API keys").click()
    page.get_by_role("button", name="Create API key").click()
    dialog = page.get_by_role("dialog", name="Create API key")
    dialog.get_by_label("Key name").fill(name)
    dialog.get_by_role("button", name="Create key").click()
    secret = page.get_by_role("dialog", name="Save your API key").get_by_label("New API key")
    expect(secret).to_have_value(re.compile("^zgpu-api-"))
    return secret.input_value()


def _send_traffic(base_url: str, project_id: str, key: str) -> None:
    """A few real requests of both models, and one refused for its size."""
    headers = {"x-api-key": key, "x-project-id": project_id}
    with httpx.Client(base_url=base_url, headers=headers, timeout=120) as client:
        for model in (*MODELS, MODELS[0]):
            body = {"model": model, "input": [{"role": "user", "content": TEXT}]}
            assert client.post("/v1/responses", json=body).status_code == 200
        bad = client.post("/v1/responses", json={"model": MODELS[0], "input": []})
        assert bad.status_code == 400


@pytest.fixture(scope="module")
def owner(live_gateway: LiveGateway, browser: Browser) -> Iterator[Owner]:
    context = browser.new_context(viewport={"width": DESKTOP[0], "height": DESKTOP[1]})
    context.set_default_timeout(15_000)
    page = context.new_page()
    email = sign_up(page, live_gateway.base_url, organization="Screens Ltd")
    project_id = page.get_by_label("Project ID").inner_text().strip()
    key = _create_key(page, "backend")
    page.get_by_role("button", name="Done").click()
    _send_traffic(live_gateway.base_url, project_id, key)
    yield Owner(context, page, email, project_id, key)
    context.close()


def test_signed_out_pages(live_gateway: LiveGateway, new_page: NewPage) -> None:
    page = new_page(*DESKTOP)
    page.goto(f"{live_gateway.base_url}/logs")
    expect(page).to_have_url(re.compile(r"/signin$"))
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("Email").fill("nobody@example.com")
    page.get_by_label("Password").fill("not the right password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).not_to_be_empty()
    screenshot(page, "signin")

    page.get_by_role("link", name="Create an account").click()
    expect(page.get_by_role("heading", name="Create your account")).to_be_visible()
    expect(page.get_by_text("At least 10 characters")).to_be_visible()
    page.get_by_label("Name", exact=True).fill("Short Pass")
    page.get_by_label("Email").fill(unique_email())
    page.get_by_label("Password").fill("short")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("alert")).to_have_text(re.compile("at least 10 characters"))
    expect(page.get_by_role("heading", name="Create your account")).to_be_visible()
    screenshot(page, "signup")


def test_dashboard_and_keys(owner: Owner, live_gateway: LiveGateway) -> None:
    page = owner.page
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    expect(page.get_by_label("API key", exact=True)).to_contain_text("zgpu-api-")
    for tab, needle in (("cURL", "curl --location"), ("JavaScript", "fetch(url")):
        page.get_by_role("tab", name=tab).click()
        expect(page.get_by_test_id("snippet")).to_contain_text(needle)
        expect(page.get_by_test_id("snippet")).to_contain_text(owner.key)
    screenshot(page, "dashboard")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="API keys").click()
    row = page.get_by_role("row", name=re.compile("backend"))
    expect(row).to_contain_text("just now")  # last used by the traffic
    screenshot(page, "keys")
    _create_key(page, "staging worker")
    screenshot(page, "keys-dialog")
    page.get_by_role("button", name="Done").click()
    expect(page.get_by_role("row", name=re.compile("staging worker"))).to_be_visible()


def test_logs_and_usage(owner: Owner) -> None:
    page = owner.page
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Logs").click()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(4)
    screenshot(page, "logs")

    page.get_by_label("Status").select_option("4xx")
    expect(page).to_have_url(re.compile(r"status=4xx"))
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("400")
    rows.first.get_by_role("button").click()
    detail = page.get_by_role("dialog", name="Request details")
    expect(detail.get_by_text(re.compile(r"^req_"))).to_be_visible()
    expect(detail).to_contain_text("400")
    screenshot(page, "logs-detail")
    detail.get_by_role("button", name="Close").click()

    page.get_by_label("Status").select_option("")
    page.get_by_label("Sort by").select_option("latency:desc")
    expect(page).to_have_url(re.compile(r"sort=latency"))
    expect(rows).to_have_count(4)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Usage").click()
    cards = page.get_by_label("Totals")
    expect(cards.locator(".card", has_text="Total requests")).to_contain_text("4")
    expect(page.get_by_role("meter", name=MODELS[0])).to_be_visible()
    expect(page.get_by_role("meter", name=MODELS[1])).to_be_visible()
    page.get_by_role("button", name="1 day").click()
    expect(page).to_have_url(re.compile(r"range=1d"))
    screenshot(page, "usage")

    # A bar with requests opens Logs for its window, which lists them.
    bar = page.get_by_role("button", name=re.compile(r": [1-9]\d* requests")).first
    bar.click()
    expect(page).to_have_url(re.compile(r"/logs\?start=\d+&end=\d+"))
    expect(page.locator("tbody tr").first).to_be_visible()


def test_viewer_sees_no_key_controls(
    owner: Owner, live_gateway: LiveGateway, new_page: NewPage
) -> None:
    viewer_page = new_page(*DESKTOP)
    viewer_email = sign_up(viewer_page, live_gateway.base_url, organization="Viewer Home")

    # The owner adds the viewer to their organization through the management API.
    owner_page = owner.page
    csrf = next(c["value"] for c in owner.context.cookies() if c["name"] == "zgpu_csrf")
    org_id = owner_page.evaluate("localStorage.getItem('zgpu.organization')") or ""
    headers = {"x-csrf-token": csrf}
    if org_id:
        headers["x-organization-id"] = org_id
    answer = owner_page.request.post(
        f"{live_gateway.base_url}/v1/organization/users",
        data={"email": viewer_email, "role": "viewer"},
        headers=headers,
    )
    assert answer.status == 201, answer.text()

    viewer_page.reload()
    viewer_page.get_by_label("Organization").select_option(label="Screens Ltd")
    expect(viewer_page.get_by_label("Project ID")).to_have_text(owner.project_id)
    expect(viewer_page.get_by_role("link", name="Create API key")).to_have_count(0)
    viewer_page.get_by_role("navigation", name="Main").get_by_role("link", name="API keys").click()
    expect(viewer_page.get_by_role("row", name=re.compile("backend"))).to_be_visible()
    expect(viewer_page.get_by_role("button", name="Create API key")).to_have_count(0)
    expect(viewer_page.get_by_role("button", name=re.compile("^Revoke"))).to_have_count(0)
    expect(viewer_page.get_by_text("can view keys but not create or revoke")).to_be_visible()
    screenshot(viewer_page, "keys-viewer")

"""The whole journey of the dashboard, in a real browser against a real gateway.

Sign up → create a project → create a key → run the Dashboard's Python snippet as a subprocess →
the request shows in Logs and Usage → add credit with a test card → balance and history update →
revoke the key → the same snippet now gets 401.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveGateway, NewPage, screenshot, sign_up

pytestmark = pytest.mark.xdist_group("e2e")

MODEL = "zlm-v1-summary-cloud"


def _run_snippet(code: str, workdir: Path) -> str:
    """Run a Python snippet with this interpreter (``requests`` is installed); return stdout."""
    script = workdir / "snippet.py"
    script.write_text(code)
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=True
    )
    return done.stdout


def _balance(page: Page) -> str:
    return page.get_by_label("Credit balance", exact=True).inner_text().strip()


def _go(page: Page, link: str, heading: str) -> None:
    """Follow a side-navigation link and wait for the page's heading."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name=link, exact=True).click()
    expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()


def test_sign_up_to_revocation(
    live_gateway: LiveGateway, new_page: NewPage, tmp_path: Path
) -> None:
    page = new_page(1280, 800)
    base_url = live_gateway.base_url
    sign_up(page, base_url, organization="Journey Inc")

    # Create a project from the top bar's project menu; it becomes the current project.
    page.get_by_label("Project", exact=True).select_option("+")
    dialog = page.get_by_role("dialog", name="New project")
    dialog.get_by_label("Name").fill("production-api")
    dialog.get_by_label("Environment").select_option("production")
    dialog.get_by_role("button", name="Create").click()
    expect(dialog).to_be_hidden()
    project_select = page.get_by_label("Project", exact=True)
    expect(project_select.locator("option:checked")).to_have_text("production-api")
    project_id = page.get_by_label("Project ID").inner_text().strip()
    assert re.fullmatch(r"[0-9a-f-]{36}", project_id)
    expect(page.get_by_role("link", name="Create API key")).to_be_visible()

    # Create a key: the secret is shown once.
    _go(page, "API keys", "API keys")
    expect(page.get_by_text("No keys yet")).to_be_visible()
    page.get_by_role("button", name="Create API key").click()
    dialog = page.get_by_role("dialog", name="Create API key")
    dialog.get_by_label("Key name").fill("journey key")
    dialog.get_by_role("button", name="Create key").click()
    saved = page.get_by_role("dialog", name="Save your API key")
    expect(saved.get_by_text("You won't see it again")).to_be_visible()
    secret = saved.get_by_label("New API key").input_value()
    assert secret.startswith("zgpu-api-")
    saved.get_by_role("button", name="Done").click()
    row = page.get_by_role("row", name=re.compile("journey key"))
    expect(row.get_by_text("active")).to_be_visible()
    assert secret not in page.content()  # listed masked only

    # The Dashboard shows the masked key and a Python snippet with this server, project and key.
    _go(page, "Dashboard", "Dashboard")
    expect(page.get_by_label("API key", exact=True)).to_contain_text("zgpu-api-")
    page.get_by_label("Model").select_option(MODEL)
    page.get_by_role("tab", name="Python").click()
    snippet = page.get_by_test_id("snippet").inner_text()
    assert f'url = "{base_url}/v1/responses"' in snippet
    assert f'"x-api-key": "{secret}"' in snippet
    assert f'"x-project-id": "{project_id}"' in snippet
    assert f'"model": "{MODEL}"' in snippet

    output = _run_snippet(snippet, tmp_path)
    assert "'object': 'response'" in output
    assert "'output_text'" in output

    # Logs: the request is listed; its detail shows the request id.
    _go(page, "Logs", "Logs")
    first = page.get_by_role("row").nth(1)
    expect(first).to_contain_text(MODEL)
    expect(first).to_contain_text("200")
    expect(first).to_contain_text("journey key")
    first.get_by_role("button", name=re.compile("Details of request")).click()
    detail = page.get_by_role("dialog", name="Request details")
    expect(detail.get_by_text(re.compile(r"^req_"))).to_be_visible()
    detail.get_by_role("button", name="Close").click()

    # Usage: one request, with tokens counted.
    _go(page, "Usage", "Usage")
    cards = page.get_by_label("Totals")
    expect(cards.locator(".card", has_text="Total requests")).to_contain_text("1")
    input_tokens = cards.locator(".card", has_text="Input tokens").locator(".value")
    expect(input_tokens).not_to_have_text("0")
    expect(page.get_by_text(MODEL)).to_be_visible()

    # Billing: add $25 with the test card; balance and history follow.
    _go(page, "Billing", "Billing")
    expect(page.get_by_label("Credit balance", exact=True)).to_contain_text("$")
    before = _balance(page)
    page.get_by_role("button", name="Add to credit balance").click()
    dialog = page.get_by_role("dialog", name="Add to credit balance")
    dialog.get_by_role("button", name="$25", exact=True).click()
    dialog.get_by_label("Card number").fill("4242 4242 4242 4242")
    dialog.get_by_label("Expiry").fill("12/34")
    dialog.get_by_label("CVC").fill("123")
    dialog.get_by_label("Country").select_option("US")
    dialog.get_by_role("button", name="Add credit").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_label("Credit balance", exact=True)).not_to_have_text(before)
    after = _balance(page)
    assert _dollars(after) - _dollars(before) == pytest.approx(25.0, abs=0.01)
    page.get_by_role("link", name="Billing history").click()
    expect(page).to_have_url(re.compile(r"/billing/history$"))
    history = page.get_by_role("table")
    for column in ("Date", "Description", "Amount", "Status"):
        expect(history.get_by_role("columnheader", name=column)).to_be_visible()
    expect(history.get_by_role("row", name=re.compile(r"\+\$25\.00"))).to_be_visible()
    expect(page.get_by_role("link", name="Back to Billing")).to_be_visible()

    # Revoke the key; the very same snippet is refused.
    _go(page, "API keys", "API keys")
    page.get_by_role("button", name="Revoke journey key").click()
    confirm = page.get_by_role("dialog", name="Revoke API key")
    confirm.get_by_role("button", name="Revoke key").click()
    expect(confirm).to_be_hidden()
    revoked_row = page.get_by_role("row", name=re.compile("journey key"))
    expect(revoked_row.get_by_text("revoked")).to_be_visible()
    expect(page.get_by_role("button", name="Revoke journey key")).to_have_count(0)

    refused = _run_snippet(snippet, tmp_path)
    assert "authentication_error" in refused
    status = _run_snippet(
        snippet.replace("print(response.json())", "print(response.status_code)"), tmp_path
    )
    assert status.strip() == "401"

    # The Dashboard no longer embeds the revoked secret.
    _go(page, "Dashboard", "Dashboard")
    page.get_by_role("tab", name="Python").click()
    assert secret not in page.get_by_test_id("snippet").inner_text()
    screenshot(page, "journey-dashboard")


def _dollars(text: str) -> float:
    """ "$30.00" / "-$1.50" → 30.0 / -1.5."""
    match = re.search(r"(-?)\$([\d,]+\.\d+)", text)
    assert match, f"no amount in {text!r}"
    value = float(match[2].replace(",", ""))
    return -value if match[1] else value

"""Billing, Nodes, the Playground and the cost calculator in headless Chromium against a real
``zgpu serve``: buying credit with the test card processor, enrolling a real edge node process,
running both models, and the calculator's numbers for a known volume.

Each test signs up its own account (its own organization), so the tests do not share state.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import DESKTOP, LiveGateway, NewPage, screenshot, sign_up

ROOT = Path(__file__).resolve().parents[2]
LONDON = (51.51, -0.13)
NODE_MODEL = "zlm-v1-summary-cloud"

_API_JS = """async ([method, path, body]) => {
  const session = await (await fetch('/v1/auth/session')).json();
  const csrf = document.cookie.split('; ').find((c) => c.startsWith('zgpu_csrf='));
  const response = await fetch(path, {
    method,
    headers: {
      'content-type': 'application/json',
      'x-csrf-token': decodeURIComponent(csrf.split('=')[1]),
      'x-organization-id': session.organizations[0].id,
    },
    body: body === null ? undefined : JSON.stringify(body),
  });
  return [response.status, response.status === 204 ? null : await response.json()];
}"""
"""Run ``[method, path, body]`` as the signed-in page, in its first organization."""


def test_billing_add_credit_auto_recharge_and_history(
    page: Page, live_gateway: LiveGateway
) -> None:
    base = live_gateway.base_url
    sign_up(page, base, organization="Billing Org")
    page.goto(f"{base}/billing")
    expect(page.get_by_role("heading", name="Billing", level=1)).to_be_visible()
    expect(page.get_by_label("Credit balance", exact=True)).to_have_text(
        "$5.00"
    )  # the welcome credit

    # A declined card: the processor's words, no money moved.
    page.get_by_role("button", name="Add to credit balance").click()
    dialog = page.get_by_role("dialog", name="Add to credit balance")
    expect(dialog).to_be_visible()
    for preset in ("$10", "$25", "$50", "$100"):
        expect(dialog.get_by_role("button", name=preset, exact=True)).to_be_visible()
    dialog.get_by_role("button", name="$25", exact=True).click()
    expect(dialog.get_by_label("Custom amount")).to_have_value("25")
    dialog.get_by_label("Card number").fill("4000 0000 0000 0002")
    dialog.get_by_label("Expiry").fill("12/34")
    dialog.get_by_label("CVC").fill("123")
    dialog.get_by_label("Country").select_option("DE")
    screenshot(page, "billing-add-credit")
    dialog.get_by_role("button", name="Add credit").click()
    expect(dialog.get_by_role("alert")).to_contain_text("Your card was declined")
    expect(page.get_by_label("Credit balance", exact=True)).to_have_text("$5.00")

    # An amount under the minimum is refused in words before anything is sent.
    dialog.get_by_label("Custom amount").fill("3")
    expect(dialog.get_by_text("The smallest amount is $5.")).to_be_visible()
    expect(dialog.get_by_role("button", name="Add credit")).to_be_disabled()

    # A new card that succeeds: the balance moves and the card is saved.
    dialog.get_by_role("button", name="$25", exact=True).click()
    dialog.get_by_label("Card number").fill("4242 4242 4242 4242")
    dialog.get_by_role("button", name="Add credit").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_label("Credit balance", exact=True)).to_have_text("$30.00")
    expect(page.get_by_role("status").filter(has_text="Added $25.00")).to_be_visible()
    methods = page.get_by_role("list", name="Saved payment methods")
    expect(methods).to_contain_text("Visa •••• 4242")
    expect(methods).to_contain_text("Default")

    # The saved card, chosen by default the next time.
    page.get_by_role("button", name="Add to credit balance").click()
    expect(dialog.get_by_label("Payment method")).to_contain_text("Visa •••• 4242")
    expect(dialog.get_by_label("Card number")).to_have_count(0)
    dialog.get_by_role("button", name="$10", exact=True).click()
    dialog.get_by_role("button", name="Add credit").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_label("Credit balance", exact=True)).to_have_text("$40.00")

    # Auto recharge settings are saved and survive a reload.
    page.get_by_role("switch", name="Enable auto recharge").check()
    page.get_by_label("When the balance falls below (USD)").fill("7.50")
    page.get_by_label("Recharge amount (USD)").fill("20")
    page.get_by_role("button", name="Save auto recharge").click()
    expect(page.get_by_role("status").filter(has_text="falls below $7.50")).to_contain_text(
        "$20.00 is added"
    )
    page.reload()
    expect(page.get_by_role("switch", name="Enable auto recharge")).to_be_checked()
    expect(page.get_by_label("When the balance falls below (USD)")).to_have_value("7.50")
    expect(page.get_by_label("Recharge amount (USD)")).to_have_value("20.00")
    expect(page.get_by_label("Credit balance", exact=True)).to_have_text(
        "$40.00"
    )  # above: no recharge
    screenshot(page, "billing")

    # The history lists the purchases and the declined attempt.
    page.get_by_role("link", name="Billing history").click()
    expect(page).to_have_url(f"{base}/billing/history")
    table = page.get_by_role("table", name="Billing history")
    headers = table.get_by_role("columnheader")
    expect(headers).to_have_text(["Date", "Description", "Amount", "Status"])
    rows = table.get_by_role("row")
    expect(rows.filter(has_text="+$25.00").filter(has_text="Succeeded")).to_have_count(1)
    expect(rows.filter(has_text="+$10.00").filter(has_text="Succeeded")).to_have_count(1)
    expect(rows.filter(has_text="declined").filter(has_text="Failed")).to_have_count(1)
    expect(rows.filter(has_text="welcome credit")).to_have_count(1)
    page.get_by_label("Kind").select_option("adjustment")
    expect(rows).to_have_count(2)  # the header and the welcome credit
    page.get_by_label("Kind").select_option("")
    screenshot(page, "billing-history")
    page.get_by_role("link", name="Back to Billing").click()
    expect(page.get_by_role("heading", name="Billing", level=1)).to_be_visible()


@pytest.fixture
def node_processes() -> Iterator[list[subprocess.Popen[bytes]]]:
    """Edge node processes started by a test; stopped afterwards."""
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.terminate()
    for process in started:
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def _start_node(base: str, token: str, started: list[subprocess.Popen[bytes]]) -> str:
    """Run a node process that enrolls with ``--server base --token token``, as the command the
    page shows does, answering with the reverse runner (no model to load); returns the node id
    once it has joined the fabric."""
    process = subprocess.Popen(
        [sys.executable, "-m", "zgpu.edge.node_main", "--server", base, "--token", token,
         "--runner", "tests.integration.edge.edge_runners:reverse", "--models", NODE_MODEL,
         "--lat", str(LONDON[0]), "--lon", str(LONDON[1]), "--concurrency", "4"],
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        start_new_session=True,
    )  # fmt: skip
    started.append(process)
    assert process.stdout is not None
    for _ in range(5):  # a "credential …" line comes first
        line = process.stdout.readline().decode().strip()
        if line.startswith("ready "):
            return line.removeprefix("ready ")
        assert line, f"the node exited with {process.wait(10)}"
    raise AssertionError("the node never said it was ready")


def test_nodes_enroll_see_on_map_and_revoke(
    page: Page, live_gateway: LiveGateway, node_processes: list[subprocess.Popen[bytes]]
) -> None:
    base = live_gateway.base_url
    sign_up(page, base, organization="Nodes Org")
    page.goto(f"{base}/nodes")
    expect(page.get_by_role("heading", name="Nodes", level=1)).to_be_visible()
    expect(page.get_by_text("No nodes yet.")).to_be_visible()
    expect(page.get_by_role("img", name="World map with no nodes.")).to_be_visible()

    page.get_by_role("button", name="Create enrollment token").click()
    dialog = page.get_by_role("dialog", name="Create enrollment token")
    dialog.get_by_label("Node name").fill("london-edge")
    dialog.get_by_role("button", name="Create token").click()
    token = dialog.get_by_label("Enrollment token").input_value()
    assert token.startswith("zgpu-enroll-")
    expect(dialog.get_by_label("Node command")).to_have_text(
        f"zgpu node --server {base} --token {token}"
    )
    expect(dialog.get_by_role("button", name="Copy command")).to_be_visible()
    dialog.get_by_role("button", name="Done").click()
    expect(page.get_by_text("Unused")).to_be_visible()

    node_id = _start_node(base, token, node_processes)
    row = page.locator(f'tr[data-node-id="{node_id}"]')
    for _ in range(60):  # the node appears online within a few heartbeats
        page.get_by_role("button", name="Refresh").click()
        if row.filter(has_text="Online").count():
            break
        page.wait_for_timeout(500)
    expect(row).to_contain_text("Online")
    expect(row).to_contain_text("london-edge")
    expect(row).to_contain_text(NODE_MODEL)
    expect(row).to_contain_text("0 / 4")
    expect(page.locator(f'svg.world-map g.marker[data-node-id="{node_id}"]')).to_have_count(1)
    expect(
        page.get_by_role("img", name=re.compile(r"World map of 1 node: 1 online"))
    ).to_be_visible()
    expect(page.get_by_text("Used", exact=True)).to_be_visible()
    screenshot(page, "nodes")

    page.get_by_role("button", name="Revoke london-edge").click()
    page.get_by_role("dialog", name="Revoke node").get_by_role("button", name="Revoke node").click()
    expect(row).to_contain_text("Revoked")
    expect(page.get_by_role("button", name="Revoke london-edge")).to_have_count(0)


def test_playground_runs_both_models(page: Page, live_gateway: LiveGateway) -> None:
    base = live_gateway.base_url
    sign_up(page, base, organization="Playground Org")
    page.goto(f"{base}/playground/summarize")
    expect(page.get_by_role("heading", name="Summarize", level=1)).to_be_visible()
    expect(page.get_by_role("button", name="Summarize")).to_be_disabled()  # no key yet
    page.get_by_role("button", name="Create a playground key").click()
    expect(page.get_by_text("Runs with the API key created in this browser tab")).to_be_visible()

    page.get_by_role("button", name="Summarize").click()
    summary = page.get_by_test_id("summary")
    expect(summary).not_to_be_empty(timeout=60_000)
    assert len(summary.inner_text()) > 40
    usage = page.get_by_label("Token usage")
    assert int(usage.get_by_label("Input tokens").inner_text().replace(",", "")) > 50
    assert int(usage.get_by_label("Output tokens").inner_text().replace(",", "")) > 0
    screenshot(page, "playground-summarize")

    # Too long for the model: the 420 in words.
    page.get_by_label("Text to summarize").fill("word " * 9000)
    page.get_by_role("button", name="Summarize").click()
    expect(page.get_by_role("alert")).to_contain_text("too long for this model")

    page.get_by_role("link", name="IAB classification").click()
    expect(page.get_by_role("heading", name="IAB classification", level=1)).to_be_visible()
    page.get_by_label("Sample text").select_option(label="Weeknight pasta recipe")
    page.get_by_role("button", name="Classify").click()
    content = page.get_by_role("region", name="Content · IAB 2.2")
    expect(content.get_by_role("listitem").first).to_be_visible(timeout=60_000)
    expect(
        page.get_by_role("region", name="Content · IAB 1.0").get_by_role("listitem")
    ).not_to_have_count(0)
    expect(page.get_by_role("region", name="Topics").get_by_role("listitem")).not_to_have_count(0)
    expect(page.get_by_role("region", name="Keywords").get_by_role("listitem")).not_to_have_count(0)
    intent = page.get_by_role("region", name="User intent")
    expect(intent.locator("strong")).not_to_be_empty()
    expect(page.get_by_role("button", name="Copy result")).to_be_visible()
    expect(content).to_contain_text(re.compile(r"Food|Cooking|Recipe", re.IGNORECASE))
    screenshot(page, "playground-iab")

    # The key revoked elsewhere: the 401 in words, and a new key is offered.
    status, keys = page.evaluate(_API_JS, ["GET", _keys_path(page), None])
    assert status == 200, keys
    (playground_key,) = [k for k in keys["data"] if k["name"] == "Playground"]
    path = f"{_keys_path(page)}/{playground_key['id']}"
    status, _ = page.evaluate(_API_JS, ["DELETE", path, None])
    assert status in (200, 204)
    classify = page.get_by_role("button", name="Classify")
    for _ in range(20):  # revocation reaches the gateway's key cache within about a second
        if page.get_by_role("alert").count():
            break  # the 401 came back: the page forgot the key and disabled the button
        if classify.is_enabled():
            classify.click()
        page.wait_for_timeout(300)
    expect(page.get_by_role("alert")).to_contain_text("key was not accepted")
    expect(page.get_by_role("button", name="Create a playground key")).to_be_visible()


def _keys_path(page: Page) -> str:
    project = page.get_by_label("Project", exact=True).input_value()
    return f"/v1/organization/projects/{project}/api_keys"


def test_calculator_numbers_for_a_known_volume(page: Page, live_gateway: LiveGateway) -> None:
    base = live_gateway.base_url
    sign_up(page, base, organization="Calculator Org")
    page.goto(f"{base}/calculator")
    # 1,000 requests a day × 30 days × (500 in, 50 out) = 15M input, 1.5M output tokens.
    page.get_by_role("textbox", name="Requests per day").fill("1,000")
    page.get_by_label("Average input tokens").fill("500")
    page.get_by_label("Average output tokens").fill("50")
    page.get_by_label("ZeroGPU model").select_option("zlm-v1-summary-cloud")
    # At $0.20 / $0.40 per million: $3.00 + $0.60 a month.
    expect(page.get_by_label("ZeroGPU per month")).to_have_text("$3.60")
    expect(page.get_by_label("ZeroGPU per year")).to_have_text("$43.20")
    gpt4o = page.locator('tr[data-rival="gpt-4o"]')
    expect(gpt4o.get_by_role("rowheader")).to_contain_text("OpenAI GPT-4o")
    expect(gpt4o.get_by_role("cell")).to_have_text(
        ["$52.50", "$630.00", "$48.90", "$586.80", "93.1% less"]
    )
    screenshot(page, "calculator")

    page.get_by_role("radio", name="Tokens per month").check()
    page.get_by_label("Input tokens per month").fill("100M")
    page.get_by_label("Output tokens per month").fill("10M")
    expect(page.get_by_label("ZeroGPU per month")).to_have_text("$24.00")
    page.get_by_label("Input tokens per month").fill("lots")
    expect(page.get_by_role("alert")).to_contain_text(
        "Input tokens per month: enter a whole number"
    )


def test_roles_hide_what_they_cannot_use(new_page: NewPage, live_gateway: LiveGateway) -> None:
    base = live_gateway.base_url
    owner = new_page(*DESKTOP)
    sign_up(owner, base, organization="Owned Org")
    other = new_page(*DESKTOP)
    email = sign_up(other, base, organization="Elsewhere")
    status, member = owner.evaluate(
        _API_JS, ["POST", "/v1/organization/users", {"email": email, "role": "viewer"}]
    )
    assert status == 201, member

    # A viewer: no billing at all, nodes without enroll or revoke, no key creation.
    other.reload()
    other.get_by_label("Organization").select_option(label="Owned Org")
    other.get_by_role("link", name="Billing", exact=True).click()
    expect(other.get_by_text("Your role in this organization cannot see billing")).to_be_visible()
    expect(other.get_by_role("button", name="Add to credit balance")).to_have_count(0)
    other.get_by_role("link", name="Nodes").click()
    expect(other.get_by_text("No nodes yet. An owner or admin can enroll one.")).to_be_visible()
    expect(other.get_by_role("button", name="Create enrollment token")).to_have_count(0)
    other.get_by_role("link", name="Summarize").click()
    expect(other.get_by_text("Your role cannot create API keys")).to_be_visible()
    expect(other.get_by_role("button", name="Create a playground key")).to_have_count(0)

    # An admin: sees billing but may not buy or change it.
    status, changed = owner.evaluate(
        _API_JS, ["PATCH", f"/v1/organization/users/{member['id']}", {"role": "admin"}]
    )
    assert status == 200, changed
    other.reload()
    other.get_by_role("link", name="Billing", exact=True).click()
    expect(other.get_by_label("Credit balance", exact=True)).to_have_text("$5.00")
    expect(other.get_by_role("button", name="Add to credit balance")).to_have_count(0)
    expect(other.get_by_role("button", name="Save auto recharge")).to_have_count(0)
    expect(other.get_by_role("button", name="Add payment method")).to_have_count(0)
    expect(other.get_by_text("Off.")).to_be_visible()

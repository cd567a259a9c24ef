"""``zgpu billing`` in local mode: balance, add-credit, methods, auto-recharge, history."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from zgpu.cli.main import app
from zgpu.platform.accounts import create_organization
from zgpu.platform.db import Database, upgrade_to_head


def test_the_billing_commands_work_on_a_local_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'zgpu.db'}"
    upgrade_to_head(url)
    database = Database(url)
    with database.session() as session:
        create_organization(session, "Acme")
    database.dispose()
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(app, ["billing", *args, "--data-dir", str(tmp_path)])
        assert result.exit_code == 0, result.output
        return result.output

    card = ["--card", "4242424242424242", "--exp", "12/39", "--cvc", "123"]
    bought = json.loads(run("add-credit", "25.50", *card, "--idempotency-key", "k", "--json"))
    assert (bought["amount_micro"], bought["balance_micro"]) == (25_500_000, 25_500_000)
    again = json.loads(run("add-credit", "25.50", *card, "--idempotency-key", "k", "--json"))
    assert again["replayed"]
    assert again["balance_micro"] == 25_500_000
    assert json.loads(run("balance", "--json"))["balance"] == "$25.50"
    methods = json.loads(run("methods", "list", "--json"))
    assert [(m["brand"], m["last4"], m["default"]) for m in methods] == [("visa", "4242", True)]
    assert "on" in run("auto-recharge", "--on", "--threshold", "5", "--amount", "10")
    assert "+25.50" in run("history", "--csv")
    refused = runner.invoke(app, ["billing", "add-credit", "12.345", "--data-dir", str(tmp_path)])
    assert refused.exit_code == 1
    assert "whole number of cents" in refused.output

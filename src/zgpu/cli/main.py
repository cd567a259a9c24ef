"""Entry point of the ``zgpu`` command."""

from __future__ import annotations

import typer

from zgpu.cli import billing, keys, login, logs, models, node, nodes, orgs, projects, serve, usage

app = typer.Typer(
    name="zgpu",
    help="ZeroGPU: Nano Language Models behind one HTTP endpoint, on CPUs and edge devices.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
app.command("serve")(serve.serve)
app.command("node")(node.node)
app.command("login")(login.login)
app.command("logout")(login.logout)
app.command("logs")(logs.logs)
app.command("usage")(usage.usage)
app.add_typer(orgs.app, name="orgs")
app.add_typer(keys.app, name="keys")
app.add_typer(projects.app, name="projects")
app.add_typer(models.app, name="models")
app.add_typer(nodes.app, name="nodes")
app.add_typer(nodes.route_app, name="route")
app.add_typer(billing.app, name="billing")


def main() -> None:
    """Run the command line."""
    app()

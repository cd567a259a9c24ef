"""``zgpu nodes token create|list``, ``zgpu nodes list|revoke`` and ``zgpu route explain``.

Node management works on the local database (``--data-dir``, like ``zgpu keys``). ``route
explain`` listens to the fabric for a few seconds to learn the live fleet, then prints the
router's full ranking for a request from ``--from`` and why other nodes were excluded.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import timedelta
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session

from zgpu.cli.database import open_session
from zgpu.cli.options import DataDir, JsonOutput, settings_from
from zgpu.edge.connection import close_quietly, open_connection
from zgpu.edge.errors import EdgeError
from zgpu.edge.geo import GeoPoint
from zgpu.edge.heartbeat import RegistryFeed
from zgpu.edge.registry import NodeIdentity, NodeRegistry, NodeStatus, RegistryConfig
from zgpu.edge.router import EdgePolicy, Explanation, Router
from zgpu.platform.accounts import list_organizations
from zgpu.platform.errors import PlatformError
from zgpu.platform.nodes import create_token, list_nodes, list_tokens, revoke_node

app = typer.Typer(help="Enroll, list and revoke edge nodes.", no_args_is_help=True)
token_app = typer.Typer(help="One-time enrollment tokens.", no_args_is_help=True)
app.add_typer(token_app, name="token")
route_app = typer.Typer(help="Inspect routing decisions.", no_args_is_help=True)
console = Console()

OrgOption = Annotated[
    str | None, typer.Option("--org", help="Organization id; the oldest one when omitted.")
]


def _organization(given: str | None, session: Session) -> uuid.UUID:
    if given is not None:
        try:
            return uuid.UUID(given)
        except ValueError:
            raise typer.BadParameter(
                f"not an organization id: {given!r}", param_hint="--org"
            ) from None
    organizations = list_organizations(session)
    if not organizations:
        raise typer.BadParameter("no organization exists yet")
    return organizations[0].id


def _fail(exc: PlatformError) -> typer.Exit:
    console.print(f"[red]error:[/] {exc.message}")
    return typer.Exit(1)


@token_app.command("create")
def token_create(
    name: Annotated[str, typer.Option(help="What the token is for.")] = "node",
    ttl_hours: Annotated[float, typer.Option("--ttl-hours", help="Validity.")] = 24.0,
    org: OrgOption = None,
    data_dir: DataDir = None,
    json_output: JsonOutput = False,
) -> None:
    """Create a one-time enrollment token; it is printed once."""
    try:
        with open_session(settings_from(data_dir=data_dir)) as session:
            made = create_token(
                session, _organization(org, session), name, timedelta(hours=ttl_hours)
            )
    except PlatformError as exc:
        raise _fail(exc) from None
    result = {
        "id": str(made.id), "token": made.secret, "organization_id": str(made.organization_id),
        "expires_at": made.expires_at.isoformat(),
    }  # fmt: skip
    if json_output:
        print(json.dumps(result))
        return
    console.print(f"Enrollment token (valid until {result['expires_at'][:16]}):")
    console.print(f"\n  [bold]{made.secret}[/]\n")
    console.print("Join a machine with: zgpu node --server URL --token TOKEN --lat LAT --lon LON")


@token_app.command("list")
def token_list(
    org: OrgOption = None, data_dir: DataDir = None, json_output: JsonOutput = False
) -> None:
    """List enrollment tokens (never their secrets)."""
    try:
        with open_session(settings_from(data_dir=data_dir)) as session:
            tokens = list_tokens(session, _organization(org, session))
    except PlatformError as exc:
        raise _fail(exc) from None
    rows = [
        {
            "id": str(t.id), "name": t.name, "token": f"{t.prefix}…", "status": t.status.value,
            "expires_at": t.expires_at.isoformat(), "node_id": t.node_id,
        }
        for t in tokens
    ]  # fmt: skip
    if json_output:
        print(json.dumps(rows))
        return
    _table("Enrollment tokens", rows)


@app.command("list")
def nodes_list(
    org: OrgOption = None, data_dir: DataDir = None, json_output: JsonOutput = False
) -> None:
    """List enrolled nodes with status, reputation and quarantine reason."""
    try:
        with open_session(settings_from(data_dir=data_dir)) as session:
            nodes = list_nodes(session, _organization(org, session) if org else None)
    except PlatformError as exc:
        raise _fail(exc) from None
    rows = [
        {
            "id": n.id, "name": n.name, "status": n.status.value,
            "reputation": round(n.reputation, 3), "region": n.region,
            "last_seen_at": n.last_seen_at.isoformat() if n.last_seen_at else None,
            "quarantine_reason": n.quarantine_reason,
        }
        for n in nodes
    ]  # fmt: skip
    if json_output:
        print(json.dumps(rows))
        return
    _table("Edge nodes", rows)


@app.command("revoke")
def nodes_revoke(
    node_id: Annotated[str, typer.Argument(help="The node id (see `zgpu nodes list`).")],
    data_dir: DataDir = None,
) -> None:
    """Revoke a node for good: it can no longer join, and gateways stop routing to it."""
    try:
        with open_session(settings_from(data_dir=data_dir)) as session:
            revoke_node(session, node_id)
    except PlatformError as exc:
        raise _fail(exc) from None
    console.print(f"Revoked node {node_id}.")


def _table(title: str, rows: list[dict[str, Any]]) -> None:
    table = Table(title=title)
    columns = list(rows[0]) if rows else ["(none)"]
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*("" if row[c] is None else str(row[c]) for c in columns))
    console.print(table)


@route_app.command("explain")
def route_explain(
    origin: Annotated[str, typer.Option("--from", help="Caller position as LAT,LON.")],
    model: Annotated[str, typer.Option("--model", help="Model id.")],
    tokens: Annotated[int, typer.Option(help="Input size in tokens.")] = 128,
    policy: Annotated[EdgePolicy, typer.Option(help="Edge policy.")] = EdgePolicy.ANY,
    org: OrgOption = None,
    nats: Annotated[
        str | None, typer.Option("--nats", help="NATS URL of the fabric [env: ZGPU_NATS_URL].")
    ] = None,
    listen_s: Annotated[float, typer.Option("--listen", help="Seconds to learn the fleet.")] = 6.0,
    data_dir: DataDir = None,
    json_output: JsonOutput = False,
) -> None:
    """Print the router's ranking for a request from ``--from``, with every term, and why the
    other nodes were excluded."""
    try:
        where = GeoPoint.parse(origin)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--from") from None
    settings = settings_from(nats_url=nats, data_dir=data_dir)
    if not settings.nats_url:
        raise typer.BadParameter("a NATS URL is required", param_hint="--nats")
    identities: list[NodeIdentity] = []
    organization_id = uuid.UUID(org) if org else None
    try:
        with open_session(settings) as session:
            identities = [
                NodeIdentity(n.id, n.organization_id, NodeStatus(n.status.value), n.reputation)
                for n in list_nodes(session)
            ]
    except PlatformError as exc:
        raise _fail(exc) from None
    try:
        explanation = asyncio.run(
            _explain(
                settings.nats_url,
                identities,
                where,
                model,
                tokens,
                policy,
                organization_id,
                listen_s,
            )
        )
    except EdgeError as exc:
        console.print(f"[red]error:[/] {exc.message}")
        raise typer.Exit(1) from None
    if json_output:
        print(json.dumps(_as_json(explanation)))
        return
    _print_explanation(explanation)


async def _explain(
    nats_url: str,
    identities: list[NodeIdentity],
    origin: GeoPoint,
    model: str,
    tokens: int,
    policy: EdgePolicy,
    organization_id: uuid.UUID | None,
    listen_s: float,
) -> Explanation:
    registry = NodeRegistry(RegistryConfig(require_identity=bool(identities)))
    registry.replace_identities(identities)
    client = await open_connection(nats_url, name="zgpu-route-explain")
    feed = RegistryFeed(client, registry)
    try:
        await feed.start()
        await asyncio.sleep(listen_s)
    finally:
        await feed.stop()
        await close_quietly(client)
    return Router(registry).explain(model, tokens, origin, policy, organization_id)


def _as_json(explanation: Explanation) -> dict[str, Any]:
    return {
        "model": explanation.model,
        "tokens": explanation.tokens,
        "from": str(explanation.origin),
        "ranking": [
            {
                "node_id": s.node_id, "region": s.region, "distance_km": round(s.distance_km, 1),
                "rtt_ms": round(s.rtt_ms, 2), "queue_ms": round(s.queue_ms, 2),
                "service_ms": round(s.service_ms, 2), "fetch_ms": round(s.fetch_ms, 2),
                "total_ms": round(s.total_ms, 2),
            }
            for s in explanation.ranking
        ],
        "excluded": [{"node_id": e.node_id, "reason": e.reason} for e in explanation.excluded],
    }  # fmt: skip


def _print_explanation(explanation: Explanation) -> None:
    table = Table(title=f"Route for {explanation.model} ({explanation.tokens} tokens) "
                  f"from {explanation.origin}")  # fmt: skip
    for column in ("#", "node", "region", "km", "rtt", "queue", "service", "fetch", "total ms"):
        table.add_column(column, justify="right" if column not in ("node", "region") else "left")
    for rank, s in enumerate(explanation.ranking, start=1):
        table.add_row(
            str(rank), s.node_id, s.region, f"{s.distance_km:.0f}", f"{s.rtt_ms:.1f}",
            f"{s.queue_ms:.1f}", f"{s.service_ms:.1f}", f"{s.fetch_ms:.0f}", f"{s.total_ms:.1f}",
        )  # fmt: skip
    console.print(table)
    if not explanation.ranking:
        console.print("No edge node qualifies: requests go to the cloud workers.")
    for excluded in explanation.excluded:
        console.print(f"  excluded {excluded.node_id}: {excluded.reason}")

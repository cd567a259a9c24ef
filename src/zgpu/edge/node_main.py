"""Standalone edge node process: ``python -m zgpu.edge.node_main``.

Join either through the gateway (``--server URL --token TOKEN`` or ``--credential C``; the node
then connects with the short-lived NATS credentials the gateway issues for its own key, renewed
in the background) or, for a node whose identity the operator set up already, straight on the
fabric (``--nats URL --node-id ID``; the URL may name a ``?creds=`` file).
``--runner module:factory`` builds the :class:`~zgpu.edge.runner.TaskRunner` (as in
:mod:`zgpu.edge.worker_main`). Prints ``ready <node_id>`` once serving, drains on
SIGTERM/SIGINT and exits 0; exits 2 on bad arguments and 1 when it cannot join.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Sequence

from zgpu.edge.errors import EdgeError
from zgpu.edge.geo import GeoPoint
from zgpu.edge.nats_auth import FabricCredentials
from zgpu.edge.node_agent import NodeAgent, NodeAgentConfig
from zgpu.edge.node_join import (
    CredentialRenewer,
    NodeSession,
    enroll,
    join_with_retry,
    new_node_key,
    resume,
)
from zgpu.edge.runner import TaskRunner
from zgpu.edge.worker_main import load_runner


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m zgpu.edge.node_main", description=__doc__)
    parser.add_argument("--server", help="gateway URL (with --token or --credential)")
    parser.add_argument("--token", help="one-time enrollment token")
    parser.add_argument("--credential", help="credential from an earlier enrollment")
    parser.add_argument("--nats", help="NATS URL (with --node-id: skip the gateway)")
    parser.add_argument("--node-id")
    parser.add_argument("--runner", required=True, help="module:factory returning a TaskRunner")
    parser.add_argument("--lat", type=float, required=True)
    parser.add_argument("--lon", type=float, required=True)
    parser.add_argument("--models", default="", help="comma-separated models this node has")
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--interval", type=float, default=1.0, help="heartbeat interval (s)")
    parser.add_argument("--log-level", default="WARNING")
    args = parser.parse_args(argv)
    direct = args.nats and args.node_id
    joined = args.server and (args.token or args.credential)
    if not direct and not joined:
        parser.error("give --nats and --node-id, or --server with --token or --credential")
    return args


async def _join(args: argparse.Namespace, public_key: str) -> NodeSession:
    if args.token:
        return await join_with_retry(lambda: enroll(args.server, args.token, public_key=public_key))
    return await join_with_retry(
        lambda: resume(args.server, args.credential, public_key=public_key)
    )


async def serve(args: argparse.Namespace, runner: TaskRunner) -> None:
    """Join, serve until a signal, drain."""
    nats_url, node_id, interval = args.nats, args.node_id, args.interval
    credentials: FabricCredentials | None = None
    credential = args.credential
    if not (nats_url and node_id):
        key = new_node_key()
        session = await _join(args, key.public_key)
        nats_url, node_id = session.nats_url, session.node_id
        interval = session.heartbeat_interval_s
        credentials = session.fabric_credentials(key)
        if session.credential:
            credential = session.credential
            print(f"credential {session.credential}", flush=True)
    config = NodeAgentConfig(
        position=GeoPoint(args.lat, args.lon),
        models_cached=tuple(m for m in args.models.split(",") if m),
        concurrency=args.concurrency,
        heartbeat_interval_s=interval,
    )
    agent = NodeAgent(nats_url, node_id, runner, config, credentials)
    renewer = None
    if credentials is not None and credential:
        identity = credentials
        renewer = CredentialRenewer(
            identity,
            lambda: resume(args.server, credential, public_key=identity.public_key),
            lambda _exc: agent.request_stop(),
        )
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, agent.request_stop)
    await agent.start()
    if renewer is not None:
        renewer.start()
    print(f"ready {node_id}", flush=True)
    try:
        await agent.run_until_stopped()
    finally:
        if renewer is not None:
            await renewer.stop()


def main(argv: Sequence[str] | None = None) -> int:
    """Run one node until SIGTERM/SIGINT; returns the exit status."""
    args = _parse(argv)
    logging.basicConfig(level=args.log_level.upper(), stream=sys.stderr)
    try:
        runner = load_runner(args.runner)
    except (ValueError, ImportError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        asyncio.run(serve(args, runner))
    except (EdgeError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

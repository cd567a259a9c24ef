"""Opening a NATS connection with the fabric's reconnect policy.

Every fabric client (gateway dispatcher, cloud worker, later edge nodes) reconnects forever,
waiting a jittered, growing delay between attempts so that a fleet does not stampede a server
that comes back.
"""

from __future__ import annotations

import asyncio
import logging
import random
from typing import Any

import nats
from nats.aio.client import Client as NatsClient
from nats.aio.client import Server

from zgpu.edge.errors import FabricError
from zgpu.edge.nats_auth import FabricCredentials, credentials_in, split_fabric_url

log = logging.getLogger(__name__)

RECONNECT_BASE_S = 0.25
"""First reconnect delay; doubled on each failed attempt up to :data:`RECONNECT_MAX_S`."""
RECONNECT_MAX_S = 4.0


def reconnect_delay(attempt: int) -> float:
    """The wait before reconnect ``attempt`` (0-based): exponential, capped, jittered 50-100%."""
    ceiling = min(RECONNECT_MAX_S, RECONNECT_BASE_S * (1 << min(attempt, 16)))
    jitter: float = random.uniform(0.5, 1.0)
    return ceiling * jitter


def _choose_server(servers: list[Server], _info: dict[str, Any]) -> tuple[Server | None, float]:
    server = random.choice(servers)
    return server, reconnect_delay(server.reconnects)


async def open_connection(
    url: str,
    *,
    name: str,
    connect_timeout_s: float | None = 10.0,
    credentials: FabricCredentials | None = None,
) -> NatsClient:
    """Connect to the NATS server(s) at ``url`` (comma-separated for a cluster).

    The connection reconnects forever on its own once established. The first connection is
    retried until ``connect_timeout_s`` (``None``: forever). It authenticates as
    ``credentials``, else as the ``?creds=`` file the URL names (see
    :mod:`zgpu.edge.nats_auth`), else anonymously. Credentials are read at each (re)connect,
    so a renewed JWT is used from the next one on.

    Raises:
        FabricError: no server could be reached in time (or it refused the credentials), the
            URL is invalid, or its credentials file is unreadable.
    """

    async def on_error(exc: Exception) -> None:
        log.warning("nats %s: %s", name, exc)

    async def on_disconnected() -> None:
        if not client.is_closed:
            log.warning("nats %s: disconnected", name)

    async def on_reconnected() -> None:
        log.info("nats %s: reconnected", name)

    servers, _ = split_fabric_url(url)
    identity = credentials if credentials is not None else credentials_in(url)
    auth: dict[str, Any] = {}
    if identity is not None:
        auth = {"user_jwt_cb": identity.user_jwt, "signature_cb": identity.sign_nonce}
    client = NatsClient()
    connect = client.connect(
        servers=servers,
        **auth,
        name=name,
        error_cb=on_error,
        disconnected_cb=on_disconnected,
        reconnected_cb=on_reconnected,
        max_reconnect_attempts=-1,
        reconnect_time_wait=1,  # between first-connection attempts only
        reconnect_to_server_handler=_choose_server,
        connect_timeout=2,
    )
    try:
        await asyncio.wait_for(connect, connect_timeout_s)
    except (TimeoutError, OSError, nats.errors.Error, ValueError) as exc:
        await close_quietly(client)
        where = ",".join(servers)
        raise FabricError(
            f"cannot connect to NATS at {where}: {exc or type(exc).__name__}"
        ) from exc
    return client


async def close_quietly(client: NatsClient) -> None:
    """Close ``client`` if it is open; errors while closing are logged, not raised."""
    if client.is_closed:
        return
    try:
        await client.close()
    except (OSError, nats.errors.Error) as exc:
        log.debug("closing nats connection: %s", exc)

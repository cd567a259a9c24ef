"""How an edge node joins through the gateway's HTTP API and keeps its fabric credentials fresh.

1. :func:`enroll` spends a one-time token (``POST /v1/nodes/enroll``); :func:`resume`
   reconnects with the credential it got then (``POST /v1/nodes/session``). Both send the public
   half of the node's own NATS key pair and get back the node's id, the fabric URL and, when the
   fabric requires it, a short-lived NATS user JWT allowing only the node's own subjects.
2. :func:`join_with_retry` retries a join that failed for a transient reason (unreachable, 5xx,
   429) with jittered exponential backoff; refusals (401, 4xx) are final.
3. :class:`CredentialRenewer` renews the JWT at about half its lifetime; a refused renewal
   (the node was revoked) calls ``on_refused``, and the fabric drops the node when its JWT
   expires.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx

from zgpu.aio import cancel_and_wait
from zgpu.edge.connection import reconnect_delay
from zgpu.edge.errors import EdgeError
from zgpu.edge.geo import GeoPoint
from zgpu.edge.nats_auth import FabricCredentials
from zgpu.edge.nats_jwt import ROLE_USER, KeyPair
from zgpu.edge.subjects import is_valid_node_id

log = logging.getLogger(__name__)

_RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})


class EnrollmentFailed(EdgeError):
    """The gateway refused the token or credential, or could not be reached.

    ``retryable`` is true when trying again later may succeed (unreachable, 5xx, 429).
    """

    default_code = "enrollment_failed"

    def __init__(self, message: str, code: str | None = None, *, retryable: bool = False) -> None:
        super().__init__(message, code)
        self.retryable = retryable


@dataclass(frozen=True, slots=True)
class NodeSession:
    """Who the node is and where to connect; ``credential`` only right after enrollment.

    ``nats_jwt`` is the node's NATS user JWT when the fabric requires one; ``nats_seed`` only
    when the gateway generated the key pair (the node sent no public key).
    """

    node_id: str
    organization_id: str
    nats_url: str
    heartbeat_interval_s: float
    credential: str | None
    location: GeoPoint | None
    nats_jwt: str | None = None
    nats_seed: str | None = None

    def fabric_credentials(self, key: KeyPair | None) -> FabricCredentials | None:
        """The NATS identity to connect with: the JWT with ``key`` (or the returned seed);
        ``None`` when the fabric needs none.

        Raises:
            EnrollmentFailed: a JWT came without a usable key.
        """
        if self.nats_jwt is None:
            return None
        if self.nats_seed is not None:
            key = KeyPair(self.nats_seed)
        if key is None:
            raise EnrollmentFailed("the gateway sent a NATS JWT for an unknown key")
        return FabricCredentials(self.nats_jwt, key)

    def __repr__(self) -> str:
        return f"NodeSession(node_id={self.node_id!r}, nats_url={self.nats_url!r})"


async def _post(
    server_url: str, path: str, body: dict[str, Any], transport: httpx.AsyncBaseTransport | None
) -> NodeSession:
    try:
        async with httpx.AsyncClient(
            base_url=server_url.rstrip("/"), transport=transport, timeout=30.0
        ) as client:
            response = await client.post(path, json=body)
    except httpx.HTTPError as exc:
        raise EnrollmentFailed(f"cannot reach {server_url}: {exc}", retryable=True) from exc
    if response.status_code not in (200, 201):
        try:
            message = response.json()["error"]["message"]
        except (ValueError, KeyError, TypeError):
            message = response.text[:200]
        raise EnrollmentFailed(
            f"{path}: HTTP {response.status_code}: {message}",
            retryable=response.status_code in _RETRYABLE_STATUS,
        )
    data = response.json()
    node_id = str(data.get("node_id", ""))
    if not is_valid_node_id(node_id) or not data.get("nats_url"):
        raise EnrollmentFailed(f"{path}: the gateway's answer has no valid node id or NATS URL")
    location = None
    if isinstance(data.get("lat"), int | float) and isinstance(data.get("lon"), int | float):
        location = GeoPoint(float(data["lat"]), float(data["lon"]))
    return NodeSession(
        node_id=node_id,
        organization_id=str(data.get("organization_id", "")),
        nats_url=str(data["nats_url"]),
        heartbeat_interval_s=float(data.get("heartbeat_interval_s", 1.0)),
        credential=data.get("credential"),
        location=location,
        nats_jwt=data.get("nats_jwt"),
        nats_seed=data.get("nats_seed"),
    )


def _with_key(body: dict[str, Any], public_key: str | None) -> dict[str, Any]:
    return {**body, "nats_public_key": public_key} if public_key is not None else body


async def enroll(
    server_url: str,
    token: str,
    name: str | None = None,
    *,
    public_key: str | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> NodeSession:
    """Spend an enrollment token at the gateway; ``public_key`` is the node's NATS user key.

    Raises :class:`EnrollmentFailed`.
    """
    body = _with_key({"token": token, "name": name}, public_key)
    return await _post(server_url, "/v1/nodes/enroll", body, transport)


async def resume(
    server_url: str,
    credential: str,
    *,
    public_key: str | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> NodeSession:
    """Reconnect with a credential from an earlier enrollment (and get a fresh NATS JWT).

    Raises :class:`EnrollmentFailed` (for instance when the node was revoked).
    """
    body = _with_key({"credential": credential}, public_key)
    return await _post(server_url, "/v1/nodes/session", body, transport)


def new_node_key() -> KeyPair:
    """A fresh NATS user key pair for this node; only its public key is ever sent."""
    return KeyPair.generate(ROLE_USER)


async def join_with_retry(
    join: Callable[[], Awaitable[NodeSession]],
    *,
    give_up_after_s: float | None = 300.0,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> NodeSession:
    """Call ``join`` until it succeeds, waiting :func:`~zgpu.edge.connection.reconnect_delay`
    (exponential, jittered) between attempts that failed for a retryable reason.

    Raises:
        EnrollmentFailed: a final refusal, or still failing after ``give_up_after_s``
            (``None``: never give up).
    """
    started = time.monotonic()
    attempt = 0
    while True:
        try:
            return await join()
        except EnrollmentFailed as exc:
            waited = time.monotonic() - started
            if not exc.retryable or (give_up_after_s is not None and waited > give_up_after_s):
                raise
            delay = reconnect_delay(attempt)
            log.warning("joining the gateway failed (%s); retrying in %.2fs", exc.message, delay)
            attempt += 1
            await sleep(delay)


class CredentialRenewer:
    """Keeps a node's NATS JWT fresh by calling ``renew`` (a :func:`resume` with the node's
    public key) at about half of the remaining lifetime, jittered so a fleet spreads out.

    A refused renewal (not retryable: revoked) calls ``on_refused`` and stops the loop.
    """

    def __init__(
        self,
        credentials: FabricCredentials,
        renew: Callable[[], Awaitable[NodeSession]],
        on_refused: Callable[[EnrollmentFailed], None],
    ) -> None:
        self._credentials = credentials
        self._renew = renew
        self._on_refused = on_refused
        self._task: asyncio.Task[None] | None = None

    def next_renewal_in(self) -> float:
        """Seconds until the next renewal: 40-60% of what is left of the JWT's life."""
        expires = self._credentials.expires_at
        if expires is None:
            return float("inf")
        left = max(0.0, expires - time.time())
        return left * random.uniform(0.4, 0.6)

    async def renew_once(self) -> None:
        """Renew now (retrying transient failures until the JWT expires).

        Raises:
            EnrollmentFailed: the gateway refused, or could not be reached in time.
        """
        expires = self._credentials.expires_at
        budget = None if expires is None else max(1.0, expires - time.time())
        session = await join_with_retry(self._renew, give_up_after_s=budget)
        if session.nats_jwt is None:
            raise EnrollmentFailed("the gateway sent no NATS JWT on renewal")
        self._credentials.renew(session.nats_jwt)
        log.info("node NATS credentials renewed")

    def start(self) -> None:
        """Start renewing in the background."""
        if self._task is None:
            self._task = asyncio.create_task(self._loop(), name="zgpu-credential-renewer")

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self.next_renewal_in())
            try:
                await self.renew_once()
            except EnrollmentFailed as exc:
                log.error("node NATS credentials not renewed: %s", exc.message)
                self._on_refused(exc)
                return

    async def stop(self) -> None:
        """Stop renewing. Idempotent."""
        task, self._task = self._task, None
        await cancel_and_wait(task)

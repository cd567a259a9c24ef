"""Edge dispatch with cloud fallback: route to the best node, fall back to the cloud pool.

One request: if the project allows edge execution, the :class:`~zgpu.edge.router.Router`
picks a node and the request goes to that node's own subject with an *edge deadline* (the
node's recent p95 × ``edge_deadline_factor``, at least ``min_edge_deadline_s``). When the node
times out, errors, has no free slot, or no node qualifies, the request goes to the cloud
workers' queue group (the existing :class:`~zgpu.edge.dispatcher.Dispatcher`) with what is left
of the caller's deadline. A model error from a node (input too long, ...) is deterministic and
is returned as is.

Hedging (optional): once the node's p95 has passed without an answer, a copy goes to the cloud
and the first good answer wins.

A sample of edge answers is re-run on the cloud by a :class:`~zgpu.edge.verification.Verifier`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from dataclasses import dataclass, field
from typing import Literal

import nats
from nats.aio.client import Client as NatsClient

from zgpu.edge.connection import close_quietly, open_connection
from zgpu.edge.dispatcher import Dispatcher
from zgpu.edge.errors import FabricError, MalformedMessage
from zgpu.edge.geo import GeoPoint
from zgpu.edge.heartbeat import RegistryFeed
from zgpu.edge.messages import InferReply, InferRequest, decode_reply, encode
from zgpu.edge.registry import NodeRegistry
from zgpu.edge.router import EdgePolicy, Router, Score
from zgpu.edge.subjects import infer_node
from zgpu.edge.verification import Verifier

log = logging.getLogger(__name__)

CLOUD_REGION = "cloud"
"""The region reported for answers of the cloud workers."""

_NODE_FAILURES = frozenset({"internal", "deadline_exceeded", "malformed_request"})


@dataclass(frozen=True, slots=True)
class DispatchOutcome:
    """A reply and who served it: ``served_by`` ``edge`` (``node_id`` is the node) or
    ``cloud`` (``node_id`` is the cloud worker); ``fallback`` says why an edge-eligible request
    went to the cloud (``no_candidate``, ``node_timeout``, ``node_busy``, ``node_error``,
    ``hedge``), ``None`` otherwise."""

    reply: InferReply
    served_by: Literal["edge", "cloud"]
    node_id: str | None
    region: str | None
    fallback: str | None = None


@dataclass(frozen=True, slots=True)
class EdgeDispatchConfig:
    """Tuning of :class:`EdgeDispatcher`.

    ``default_origin`` stands in for callers of unknown location. ``edge_attempts`` nodes are
    tried (each excluded after failing) before the cloud. ``cloud_region`` labels cloud answers.
    """

    default_origin: GeoPoint = field(default_factory=lambda: GeoPoint(50.11, 8.68))
    min_edge_deadline_s: float = 0.15
    edge_deadline_factor: float = 3.0
    edge_attempts: int = 2
    hedge: bool = False
    cloud_region: str = CLOUD_REGION


def estimate_tokens(text: str) -> int:
    """A cheap input size when the caller has not tokenized: about 4 characters per token."""
    return max(1, len(text) // 4)


class EdgeDispatcher:
    """Routes requests to edge nodes with cloud fallback; see the module docs.

    Owns a fabric connection for the node subjects and the :class:`RegistryFeed` that keeps
    ``registry`` current. ``cloud`` is a connected cloud :class:`Dispatcher` (not owned).
    Lifecycle: :meth:`start`, then :meth:`close`.
    """

    def __init__(
        self,
        nats_url: str,
        cloud: Dispatcher,
        router: Router,
        *,
        verifier: Verifier | None = None,
        config: EdgeDispatchConfig | None = None,
        name: str = "zgpu-gateway-edge",
    ) -> None:
        self._nats_url = nats_url
        self._cloud = cloud
        self.router = router
        self._verifier = verifier
        self.config = config if config is not None else EdgeDispatchConfig()
        self._name = name
        self._client: NatsClient | None = None
        self._feed: RegistryFeed | None = None

    @property
    def verifier(self) -> Verifier | None:
        """The result sampler, if verification is on."""
        return self._verifier

    @property
    def registry(self) -> NodeRegistry:
        """The fleet view this dispatcher routes over."""
        return self.router.registry

    async def start(self) -> None:
        """Connect and start following node announces and heartbeats.

        Raises:
            FabricError: the fabric cannot be reached or subscribed to.
        """
        client = await open_connection(self._nats_url, name=self._name)
        self._client = client
        feed = RegistryFeed(client, self.registry)
        try:
            await feed.start()
        except (nats.errors.Error, OSError) as exc:
            await close_quietly(client)
            raise FabricError(f"cannot follow node heartbeats: {exc}") from exc
        self._feed = feed

    async def close(self) -> None:
        """Stop following heartbeats, wait for verification checks, close the connection."""
        feed, self._feed = self._feed, None
        if feed is not None:
            await feed.stop()
        if self._verifier is not None:
            await self._verifier.aclose()
        client, self._client = self._client, None
        if client is not None:
            await close_quietly(client)

    async def dispatch(
        self,
        request: InferRequest,
        *,
        origin: GeoPoint | None,
        policy: EdgePolicy,
        organization_id: uuid.UUID | None,
        deadline_s: float,
        tokens: int | None = None,
    ) -> DispatchOutcome:
        """Serve ``request`` on the best edge node, else on the cloud, within ``deadline_s``.

        ``tokens`` is the input size (estimated from the text when omitted).

        Raises:
            NoCapacity, DeadlineExceeded, FabricError: as :meth:`Dispatcher.dispatch`, when the
                cloud fallback fails too.
        """
        loop = asyncio.get_running_loop()
        give_up = loop.time() + deadline_s
        size = tokens if tokens is not None else estimate_tokens(request.text)
        where = origin if origin is not None else self.config.default_origin
        fallback: str | None = None
        if policy is not EdgePolicy.CLOUD_ONLY and self._client is not None:
            fallback = "no_candidate"
            for _ in range(self.config.edge_attempts):
                choice = self.router.route(request.model, size, where, policy, organization_id)
                remaining = give_up - loop.time()
                if choice is None or remaining <= 0:
                    break
                outcome, fallback = await self._try_node(request, choice, remaining)
                if outcome is not None:
                    return outcome
        remaining = max(0.001, give_up - loop.time())
        reply = await self._cloud.dispatch(request, remaining)
        return DispatchOutcome(reply, "cloud", reply.worker_id, self.config.cloud_region, fallback)

    async def _try_node(
        self, request: InferRequest, choice: Score, remaining_s: float
    ) -> tuple[DispatchOutcome | None, str]:
        edge_s = max(
            self.config.min_edge_deadline_s,
            choice.p95_ms * self.config.edge_deadline_factor / 1000.0,
        )
        budget = min(edge_s, remaining_s)
        if self.config.hedge:
            return await self._hedged(request, choice, budget, remaining_s)
        try:
            reply = await self._ask_node(request, choice.node_id, budget)
        except _NodeFailed as failed:
            return None, failed.reason
        return self._edge_outcome(request, choice, reply), ""

    async def _hedged(
        self, request: InferRequest, choice: Score, budget_s: float, remaining_s: float
    ) -> tuple[DispatchOutcome | None, str]:
        edge = asyncio.create_task(self._ask_node(request, choice.node_id, budget_s))
        done, _ = await asyncio.wait({edge}, timeout=min(budget_s, choice.p95_ms / 1000.0))
        if edge in done:
            try:
                return self._edge_outcome(request, choice, edge.result()), ""
            except _NodeFailed as failed:
                return None, failed.reason
        cloud = asyncio.create_task(self._cloud.dispatch(request, remaining_s))
        pending: set[asyncio.Task[InferReply]] = {edge, cloud}
        try:
            while pending:
                done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                if edge in done and edge.exception() is None:
                    return self._edge_outcome(request, choice, edge.result()), ""
                if cloud in done:
                    reply = cloud.result()  # cloud errors propagate to the caller
                    outcome = DispatchOutcome(
                        reply, "cloud", reply.worker_id, self.config.cloud_region, "hedge"
                    )
                    return outcome, "hedge"
            raise AssertionError("unreachable")
        finally:
            for task in (edge, cloud):
                if not task.done():
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError, Exception):
                        await task

    def _edge_outcome(
        self, request: InferRequest, choice: Score, reply: InferReply
    ) -> DispatchOutcome:
        if self._verifier is not None:
            self._verifier.maybe_check(request, reply, choice.node_id)
        return DispatchOutcome(reply, "edge", choice.node_id, choice.region)

    async def _ask_node(self, request: InferRequest, node_id: str, budget_s: float) -> InferReply:
        """The node's good (or model-error) reply. Raises :class:`_NodeFailed` otherwise."""
        client = self._client
        if client is None:
            raise _NodeFailed("node_error")
        # The node keeps the caller's deadline, not the edge budget: a node slower than its
        # estimate still finishes (and measures itself) even when the cloud answered first.
        payload = encode(request)
        registry = self.registry
        registry.note_dispatched(node_id)
        try:
            msg = await client.request(infer_node(node_id), payload, timeout=budget_s)
        except nats.errors.NoRespondersError:
            node = registry.get(node_id)
            if node is not None:  # every slot is taken (or it is gone): skip it until it says
                node.in_flight = max(node.in_flight, node.concurrency)
            raise _NodeFailed("node_busy") from None
        except TimeoutError:
            registry.mark_out(node_id)
            raise _NodeFailed("node_timeout") from None
        except (nats.errors.Error, OSError) as exc:
            log.warning("request %s to node %s: %r", request.request_id, node_id, exc)
            raise _NodeFailed("node_error") from None
        finally:
            registry.note_finished(node_id)
        try:
            reply = decode_reply(msg.data)
        except MalformedMessage:
            registry.mark_out(node_id)
            raise _NodeFailed("node_error") from None
        if reply.request_id != request.request_id:
            registry.mark_out(node_id)
            raise _NodeFailed("node_error")
        if not reply.ok and (reply.error_code in _NODE_FAILURES or reply.error_code is None):
            raise _NodeFailed("node_error")
        return reply


class _NodeFailed(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

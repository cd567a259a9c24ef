"""Checking untrusted edge nodes by replay: a sample of their results is re-run in the cloud.

Model outputs are deterministic (the same input gives the same bytes), so a cloud worker's
answer to the same request is the reference. :func:`compare_outputs` accepts the same text, or,
for JSON outputs (IAB classification), the same structure with every number within
``score_tolerance`` (category ids, names and sentence choices must match exactly).

Each check's outcome goes to a :class:`TrustStore`, which keeps the node's reputation: a
disagreement costs ``penalty``, an agreement earns ``reward`` (capped at 1); below
``quarantine_below`` the node is quarantined with the reason, and the registry stops routing to
it at once. The platform's node records implement the store for real deployments
(``zgpu.platform.nodes.NodeTrustStore``); :class:`MemoryTrustStore` keeps it in memory.
"""

from __future__ import annotations

import asyncio
import logging
import math
import random
import uuid
from dataclasses import dataclass
from typing import Any, Protocol

import orjson

from zgpu.edge.dispatcher import Dispatcher
from zgpu.edge.errors import EdgeError
from zgpu.edge.messages import InferReply, InferRequest, deadline_after
from zgpu.edge.registry import NodeIdentity, NodeRegistry, NodeStatus

log = logging.getLogger(__name__)


def compare_outputs(edge: str, cloud: str, score_tolerance: float = 0.01) -> str | None:
    """``None`` when ``edge`` agrees with the reference ``cloud`` output, else why not.

    Plain text must be identical. If both parse as JSON, they must have the same shape, equal
    strings, booleans and integers ids, and floats within ``score_tolerance``.
    """
    if edge == cloud:
        return None
    try:
        edge_json, cloud_json = orjson.loads(edge), orjson.loads(cloud)
    except orjson.JSONDecodeError:
        return "text differs from the cloud result"
    return _compare(edge_json, cloud_json, score_tolerance, "$")


def _compare(edge: Any, cloud: Any, tolerance: float, path: str) -> str | None:
    if isinstance(cloud, dict):
        if not isinstance(edge, dict) or edge.keys() != cloud.keys():
            return f"{path}: different fields"
        for key in cloud:
            problem = _compare(edge[key], cloud[key], tolerance, f"{path}.{key}")
            if problem is not None:
                return problem
        return None
    if isinstance(cloud, list):
        if not isinstance(edge, list) or len(edge) != len(cloud):
            return f"{path}: different number of entries"
        for index, (mine, theirs) in enumerate(zip(edge, cloud, strict=True)):
            problem = _compare(mine, theirs, tolerance, f"{path}[{index}]")
            if problem is not None:
                return problem
        return None
    if isinstance(cloud, float) or (isinstance(edge, float) and isinstance(cloud, int)):
        if isinstance(edge, bool) or not isinstance(edge, int | float):
            return f"{path}: not a number"
        if math.isnan(edge) or abs(edge - cloud) > tolerance:
            return f"{path}: {edge} vs {cloud}"
        return None
    if type(edge) is not type(cloud) or edge != cloud:
        return f"{path}: {edge!r} vs {cloud!r}"
    return None


class TrustVerdict(Protocol):
    """A node's standing after a check."""

    @property
    def status(self) -> str:
        """``active``, ``quarantined`` or ``revoked``."""
        ...

    @property
    def reputation(self) -> float:
        """Between 0 and 1."""
        ...


class TrustStore(Protocol):
    """Where check outcomes go and reputations live."""

    async def record_check(self, node_id: str, agreed: bool, reason: str | None) -> TrustVerdict:
        """Apply one check's outcome to the node's reputation; quarantine it below threshold.

        Raises whatever the store raises on failure (the verifier logs it).
        """
        ...


@dataclass(frozen=True, slots=True)
class ReputationRule:
    """How checks move reputation (from 1.0 for a new node)."""

    penalty: float = 0.25
    reward: float = 0.01
    quarantine_below: float = 0.6

    def after(self, reputation: float, agreed: bool) -> float:
        """The reputation after one check."""
        if agreed:
            return min(1.0, reputation + self.reward)
        return max(0.0, reputation - self.penalty)


@dataclass(frozen=True, slots=True)
class Standing:
    """A :class:`TrustVerdict` held in memory."""

    status: str
    reputation: float


class MemoryTrustStore:
    """Reputations in a dict (for single-process deployments without node records)."""

    def __init__(self, rule: ReputationRule | None = None) -> None:
        self.rule = rule if rule is not None else ReputationRule()
        self.standings: dict[str, Standing] = {}
        self.reasons: dict[str, str] = {}

    async def record_check(self, node_id: str, agreed: bool, reason: str | None) -> Standing:
        """See :meth:`TrustStore.record_check`."""
        current = self.standings.get(node_id, Standing("active", 1.0))
        reputation = self.rule.after(current.reputation, agreed)
        status = current.status
        if status == "active" and reputation < self.rule.quarantine_below:
            status = "quarantined"
            self.reasons[node_id] = reason or "disagreed with the cloud"
        standing = Standing(status, reputation)
        self.standings[node_id] = standing
        return standing


@dataclass(frozen=True, slots=True)
class VerificationConfig:
    """``sample_rate`` of edge results re-run (0 disables), compared with ``score_tolerance``;
    each re-run may take up to ``deadline_s``."""

    sample_rate: float = 0.05
    score_tolerance: float = 0.01
    deadline_s: float = 10.0


class Verifier:
    """Samples edge results, replays them on the cloud pool in the background, and records the
    outcome; a node the store quarantines leaves the registry's candidates at once."""

    def __init__(
        self,
        cloud: Dispatcher,
        registry: NodeRegistry,
        store: TrustStore,
        config: VerificationConfig | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self._cloud = cloud
        self._registry = registry
        self._store = store
        self.config = config if config is not None else VerificationConfig()
        self._rng = rng if rng is not None else random.Random()
        self._tasks: set[asyncio.Task[None]] = set()
        self.checks = 0
        self.disagreements = 0

    def maybe_check(self, request: InferRequest, edge_reply: InferReply, node_id: str) -> bool:
        """Sample this result; if chosen, start its check in the background. Returns whether it
        was chosen. Only successful replies are checked."""
        if not edge_reply.ok or self._rng.random() >= self.config.sample_rate:
            return False
        task = asyncio.create_task(self.check(request, edge_reply, node_id))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return True

    async def check(self, request: InferRequest, edge_reply: InferReply, node_id: str) -> None:
        """Re-run ``request`` on the cloud, compare, record. Failures to check are logged and
        count neither way (a check that cannot run says nothing about the node)."""
        replay = request.model_copy(
            update={
                "request_id": f"verify-{uuid.uuid4().hex[:16]}",
                "deadline_unix_ms": deadline_after(self.config.deadline_s),
            }
        )
        try:
            reference = await self._cloud.dispatch(replay, self.config.deadline_s)
        except EdgeError as exc:
            log.info("check of node %s skipped: %s", node_id, exc.message)
            return
        if not reference.ok:
            return
        reason = compare_outputs(edge_reply.text, reference.text, self.config.score_tolerance)
        self.checks += 1
        if reason is not None:
            self.disagreements += 1
            log.warning("node %s disagreed with the cloud: %s", node_id, reason)
        try:
            verdict = await self._store.record_check(node_id, reason is None, reason)
        except Exception:
            log.exception("could not record the check of node %s", node_id)
            return
        self._apply(node_id, verdict)

    def _apply(self, node_id: str, verdict: TrustVerdict) -> None:
        known = self._registry.identity(node_id)
        try:
            status = NodeStatus(verdict.status)
        except ValueError:
            status = NodeStatus.QUARANTINED
        self._registry.set_identity(
            NodeIdentity(
                node_id=node_id,
                organization_id=known.organization_id if known else None,
                status=status,
                reputation=verdict.reputation,
            )
        )

    async def aclose(self) -> None:
        """Wait for checks in progress."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

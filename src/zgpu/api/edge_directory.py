"""``EdgeDirectory``: the database's word on edge nodes and project policies, kept on hand.

The router decides from memory; what the platform says (which nodes exist, who owns them,
whether they are active, quarantined or revoked; which projects restrict edge execution) lives
in the database, which every gateway shares. The directory re-reads it every ``refresh_s``
(node records and the edge policies that are not ``any``) and hands the node identities to the
:class:`~zgpu.edge.registry.NodeRegistry`, so a node enrolled, revoked or quarantined through
any gateway, or ``zgpu nodes revoke``, is reflected here within about one refresh. Changes made
through this gateway apply at once (:meth:`revoke`, :meth:`set_policy`).

Identities expire: when the database cannot be read for ``ttl_s``, the directory drops every
node identity (the gateway then serves from the cloud only) rather than keep routing to nodes
that may have been revoked meanwhile. It also writes back, every ``seen_every_s``, the
position and last heartbeat time of the nodes it hears from, for operators.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from zgpu.aio import cancel_and_wait
from zgpu.edge.registry import NodeIdentity, NodeRegistry, NodeStatus
from zgpu.edge.router import EdgePolicy
from zgpu.platform.db import Database
from zgpu.platform.errors import PlatformError
from zgpu.platform.nodes import NodeInfo, list_nodes, note_seen
from zgpu.platform.projects import edge_policies

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DirectoryConfig:
    """``refresh_s`` between reads; identities dropped after ``ttl_s`` without a good read;
    positions written back every ``seen_every_s``."""

    refresh_s: float = 0.5
    ttl_s: float = 10.0
    seen_every_s: float = 5.0


@dataclass(frozen=True, slots=True)
class _Snapshot:
    nodes: list[NodeInfo]
    policies: dict[uuid.UUID, EdgePolicy]


@dataclass(frozen=True, slots=True)
class _Sighting:
    node_id: str
    lat: float
    lon: float
    region: str
    seen_at: datetime


class EdgeDirectory:
    """Node identities and project edge policies from the database; see the module docs.

    Lifecycle: :meth:`start` (reads once, then refreshes in the background), :meth:`stop`.
    Methods other than those two never block and never raise.
    """

    def __init__(
        self,
        database: Database,
        registry: NodeRegistry,
        config: DirectoryConfig | None = None,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self._database = database
        self._registry = registry
        self.config = config if config is not None else DirectoryConfig()
        self._wall_clock = wall_clock
        self._policies: dict[uuid.UUID, EdgePolicy] = {}
        self._revoked: set[str] = set()
        self._last_good: float | None = None
        self._expired = False
        self._seen_saved_at: dict[str, float] = {}
        self._task: asyncio.Task[None] | None = None

    @property
    def registry(self) -> NodeRegistry:
        """The fleet view this directory keeps identities for."""
        return self._registry

    async def start(self) -> None:
        """Read once (a failure is logged: no node is trusted until a read succeeds), then
        keep refreshing in the background."""
        await self.refresh()
        self._task = asyncio.create_task(self._loop())

    async def stop(self) -> None:
        """Stop refreshing. Idempotent."""
        task, self._task = self._task, None
        await cancel_and_wait(task)

    def policy(self, project_id: uuid.UUID) -> EdgePolicy:
        """The project's edge policy as last read (``any`` for projects that never set one)."""
        return self._policies.get(project_id, EdgePolicy.ANY)

    def set_policy(self, project_id: uuid.UUID, policy: EdgePolicy) -> None:
        """Apply a policy just committed through this gateway, before the next read."""
        if policy is EdgePolicy.ANY:
            self._policies.pop(project_id, None)
        else:
            self._policies[project_id] = policy

    def revoke(self, node_id: str) -> None:
        """Stop routing to ``node_id`` now (its revocation was just committed). Permanent."""
        self._revoked.add(node_id)
        known = self._registry.identity(node_id)
        self._registry.set_identity(
            NodeIdentity(node_id, known.organization_id if known else None, NodeStatus.REVOKED)
        )

    async def refresh(self) -> bool:
        """Read the database once and apply what it says; ``False`` (logged) if it failed."""
        as_of = self._registry.now()
        try:
            snapshot = await asyncio.to_thread(self._read)
        except PlatformError as exc:  # the database is down or busy: keep the last view for now
            log.warning("edge directory: cannot read node records: %r", exc)
            self._expire_if_stale()
            return False
        self._apply(snapshot, as_of)
        self._last_good = self._registry.now()
        if self._expired:
            log.warning("edge directory: node records readable again")
            self._expired = False
        return True

    def _read(self) -> _Snapshot:
        with self._database.session() as session:
            nodes = list_nodes(session)
            policies = {
                project_id: EdgePolicy(policy.value)
                for project_id, policy in edge_policies(session).items()
            }
        return _Snapshot(nodes, policies)

    def _apply(self, snapshot: _Snapshot, as_of: float) -> None:
        identities = []
        for node in snapshot.nodes:
            status = NodeStatus(node.status.value)
            if status is NodeStatus.REVOKED:
                self._revoked.add(node.id)
            elif node.id in self._revoked:
                status = NodeStatus.REVOKED
            identities.append(NodeIdentity(node.id, node.organization_id, status, node.reputation))
        self._registry.replace_identities(identities, as_of=as_of)
        self._policies = snapshot.policies

    def _expire_if_stale(self) -> None:
        if self._expired:
            return
        since = self._last_good
        if since is None or self._registry.now() - since > self.config.ttl_s:
            log.error("edge directory: node identities expired; serving from the cloud only")
            self._registry.replace_identities([])
            self._expired = True

    async def _loop(self) -> None:
        next_seen = self._registry.now() + self.config.seen_every_s
        while True:
            await asyncio.sleep(self.config.refresh_s)
            await self.refresh()
            if self._registry.now() >= next_seen:
                next_seen = self._registry.now() + self.config.seen_every_s
                await self._save_sightings()

    def _sightings(self) -> list[_Sighting]:
        """Nodes heard from since their last save, with the wall time of that heartbeat."""
        registry = self._registry
        now, wall = registry.now(), self._wall_clock()
        out = []
        for node in registry:
            heard = node.last_heartbeat
            if heard == float("-inf") or self._seen_saved_at.get(node.node_id) == heard:
                continue
            self._seen_saved_at[node.node_id] = heard
            seen_at = datetime.fromtimestamp(wall - (now - heard), UTC)
            out.append(_Sighting(node.node_id, node.lat, node.lon, node.region, seen_at))
        return out

    async def _save_sightings(self) -> None:
        sightings = self._sightings()
        if not sightings:
            return

        def work() -> None:
            with self._database.session() as session:
                for s in sightings:
                    note_seen(session, s.node_id, s.lat, s.lon, s.region[:32], s.seen_at)

        try:
            await asyncio.to_thread(work)
        except PlatformError as exc:  # positions are informational; the next round retries
            log.warning("edge directory: cannot save node positions: %r", exc)
            self._seen_saved_at.clear()

"""``NodeTrustStore``: verification outcomes recorded in the node records, off the event loop.

It has the shape the edge verifier expects of a trust store (``record_check``), and gives the
registry the identities (owner, status) of every node.
"""

from __future__ import annotations

import asyncio

from zgpu.platform.db.session import Database
from zgpu.platform.nodes.schemas import NodeInfo, NodeTrust, ReputationRule
from zgpu.platform.nodes.service import list_nodes, record_check


class NodeTrustStore:
    """Reputation and quarantine in the database, shared by every gateway."""

    def __init__(self, db: Database, rule: ReputationRule | None = None) -> None:
        self._db = db
        self.rule = rule if rule is not None else ReputationRule()

    async def record_check(self, node_id: str, agreed: bool, reason: str | None) -> NodeTrust:
        """Apply one check (see ``service.record_check``). Raises ``NotFound``/``StorageError``."""

        def work() -> NodeTrust:
            with self._db.session() as session:
                return record_check(session, node_id, agreed=agreed, reason=reason, rule=self.rule)

        return await asyncio.to_thread(work)

    async def nodes(self) -> list[NodeInfo]:
        """Every node record (for the gateway's registry). Raises ``StorageError``."""

        def work() -> list[NodeInfo]:
            with self._db.session() as session:
                return list_nodes(session)

        return await asyncio.to_thread(work)

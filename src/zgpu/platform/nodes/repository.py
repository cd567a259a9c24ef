"""Storage of enrollment tokens and nodes: add, flush and query; never commit."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from zgpu.platform.db.integrity import flush_or_conflict
from zgpu.platform.nodes.models import EnrollmentToken, Node


class NodeRepository:
    """Node queries on one session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add_token(self, token: EnrollmentToken) -> EnrollmentToken:
        """Stage and flush a token; ``Conflict`` on a missing organization."""
        self.session.add(token)
        flush_or_conflict(self.session, "the enrollment token could not be stored")
        return token

    def token_by_hash(self, token_hash: str, *, for_update: bool = False) -> EnrollmentToken | None:
        """The token with this digest (row-locked on PostgreSQL when ``for_update``)."""
        stmt = select(EnrollmentToken).where(EnrollmentToken.token_hash == token_hash)
        if for_update:
            stmt = stmt.with_for_update()
        return self.session.scalars(stmt).first()

    def tokens(self, organization_id: uuid.UUID) -> Sequence[EnrollmentToken]:
        """The organization's tokens, newest first."""
        stmt = (
            select(EnrollmentToken)
            .where(EnrollmentToken.organization_id == organization_id)
            .order_by(EnrollmentToken.created_at.desc(), EnrollmentToken.id)
        )
        return self.session.scalars(stmt).all()

    def add_node(self, node: Node) -> Node:
        """Stage and flush a node; ``Conflict`` on an id or credential collision."""
        self.session.add(node)
        flush_or_conflict(self.session, "the node could not be stored")
        return node

    def get(self, node_id: str, *, for_update: bool = False) -> Node | None:
        """The node with this id, or ``None``."""
        if not for_update:
            return self.session.get(Node, node_id)
        stmt = select(Node).where(Node.id == node_id).with_for_update()
        return self.session.scalars(stmt).first()

    def by_credential(self, credential_hash: str) -> Node | None:
        """The node holding this credential digest, or ``None``."""
        return self.session.scalars(
            select(Node).where(Node.credential_hash == credential_hash)
        ).first()

    def nodes(self, organization_id: uuid.UUID | None = None) -> Sequence[Node]:
        """Nodes, oldest first; only one organization's when given."""
        stmt = select(Node).order_by(Node.created_at, Node.id)
        if organization_id is not None:
            stmt = stmt.where(Node.organization_id == organization_id)
        return self.session.scalars(stmt).all()

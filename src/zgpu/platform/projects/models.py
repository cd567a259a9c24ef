"""Projects: what API keys, request logs and usage belong to."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from zgpu.platform.db.base import Base
from zgpu.platform.db.types import utc_now
from zgpu.platform.projects.schemas import PROJECT_NAME_MAX, EdgePolicy, Environment

_ENVIRONMENTS = ", ".join(f"'{env.value}'" for env in Environment)
_EDGE_POLICIES = ", ".join(f"'{policy.value}'" for policy in EdgePolicy)


class Project(Base):
    """A project (``projects`` table). Archived projects keep their rows; their name is free
    for a new live project. ``edge_policy`` is an :class:`EdgePolicy` value."""

    __tablename__ = "projects"
    __table_args__ = (
        CheckConstraint(f"environment IN ({_ENVIRONMENTS})", name="environment"),
        CheckConstraint(f"edge_policy IN ({_EDGE_POLICIES})", name="edge_policy"),
        Index(
            "uq_projects_live_name",
            "organization_id",
            "name",
            unique=True,
            sqlite_where=text("archived_at IS NULL"),
            postgresql_where=text("archived_at IS NULL"),
        ),
    )

    # The database defaults ``edge_policy``: inserts leave it out and do not read it back (it
    # loads on first access), so they also work on schemas from before revision 0006.
    __mapper_args__ = {"eager_defaults": False}  # noqa: RUF012 - SQLAlchemy reads a dict

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(String(PROJECT_NAME_MAX))
    environment: Mapped[str] = mapped_column(String(16), default=Environment.DEVELOPMENT.value)
    edge_policy: Mapped[str] = mapped_column(String(24), server_default=EdgePolicy.ANY.value)
    archived_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    @property
    def archived(self) -> bool:
        """Whether the project has been archived."""
        return self.archived_at is not None

    def __repr__(self) -> str:
        return f"Project(id={self.id}, name={self.name!r}, environment={self.environment!r})"

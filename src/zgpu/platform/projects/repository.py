"""Storage of projects: add, flush and query; never commit."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from zgpu.platform.db.integrity import flush_or_conflict
from zgpu.platform.projects.models import Project


class ProjectRepository:
    """Project queries on one session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, project: Project) -> Project:
        """Stage and flush ``project``; raises ``Conflict`` if its name is taken by a live
        project of the same organization."""
        self.session.add(project)
        flush_or_conflict(
            self.session, f"a live project named {project.name!r} already exists", param="name"
        )
        return project

    def get(self, project_id: uuid.UUID) -> Project | None:
        """The project with this id, or ``None``."""
        return self.session.get(Project, project_id)

    def live_name_taken(self, organization_id: uuid.UUID, name: str) -> bool:
        """Whether a live (not archived) project of the organization already has ``name``."""
        stmt = (
            select(Project.id)
            .where(
                Project.organization_id == organization_id,
                Project.name == name,
                Project.archived_at.is_(None),
            )
            .limit(1)
        )
        return self.session.scalars(stmt).first() is not None

    def list(self, organization_id: uuid.UUID | None = None) -> Sequence[Project]:
        """Projects (of one organization when given), oldest first, archived ones included."""
        stmt = select(Project).order_by(Project.created_at, Project.id)
        if organization_id is not None:
            stmt = stmt.where(Project.organization_id == organization_id)
        return self.session.scalars(stmt).all()

    def edge_policies(self, exclude: str) -> Sequence[tuple[uuid.UUID, str]]:
        """``(project id, edge policy)`` of every project whose policy is not ``exclude``."""
        stmt = select(Project.id, Project.edge_policy).where(Project.edge_policy != exclude)
        return [(row[0], row[1]) for row in self.session.execute(stmt)]

    def flush(self) -> None:
        """Write pending changes to the transaction."""
        self.session.flush()

"""Projects: the unit that keys, logs and usage belong to."""

from zgpu.platform.projects.models import Project
from zgpu.platform.projects.schemas import EdgePolicy, Environment
from zgpu.platform.projects.service import (
    archive_project,
    create_project,
    edge_policies,
    get_project,
    list_projects,
    restore_project,
    update_project,
)

__all__ = [
    "EdgePolicy",
    "Environment",
    "Project",
    "archive_project",
    "create_project",
    "edge_policies",
    "get_project",
    "list_projects",
    "restore_project",
    "update_project",
]

"""Projects: the unit that keys, logs and usage belong to."""

from zgpu.platform.projects.models import Project
from zgpu.platform.projects.schemas import Environment
from zgpu.platform.projects.service import (
    archive_project,
    create_project,
    get_project,
    list_projects,
    restore_project,
    update_project,
)

__all__ = [
    "Environment",
    "Project",
    "archive_project",
    "create_project",
    "get_project",
    "list_projects",
    "restore_project",
    "update_project",
]

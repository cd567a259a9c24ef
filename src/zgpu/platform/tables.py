"""Every platform table, registered on one ``MetaData`` (what migrations are checked against)."""

from __future__ import annotations

from sqlalchemy import MetaData

from zgpu.platform.accounts.models import Organization
from zgpu.platform.db.base import Base
from zgpu.platform.installation import Installation
from zgpu.platform.keys.models import ApiKey
from zgpu.platform.logs.models import RequestLog
from zgpu.platform.projects.models import Project

MODELS: tuple[type[Base], ...] = (Installation, Organization, Project, ApiKey, RequestLog)
"""The mapped classes, in dependency order."""

metadata: MetaData = Base.metadata
"""The metadata holding every table above."""

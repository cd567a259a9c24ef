"""Storage plumbing: the declarative base, the ``Database`` (engine + unit of work), migrations."""

from zgpu.platform.db.base import Base
from zgpu.platform.db.migrate import current_revision, head_revision, upgrade_to_head
from zgpu.platform.db.session import Database
from zgpu.platform.db.types import UTCDateTime, utc_now

__all__ = [
    "Base",
    "Database",
    "UTCDateTime",
    "current_revision",
    "head_revision",
    "upgrade_to_head",
    "utc_now",
]

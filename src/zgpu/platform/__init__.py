"""The platform: accounts, projects, API keys and request logs, stored with SQLAlchemy.

Import from the domain packages (``zgpu.platform.keys``, ``zgpu.platform.logs`` ...); this
package re-exports only the error hierarchy and first-run setup.
"""

from zgpu.platform.bootstrap import FirstRun, ensure_first_run
from zgpu.platform.errors import (
    Conflict,
    InvalidArgument,
    InvalidKey,
    NotFound,
    PlatformError,
    ProjectForbidden,
    StorageError,
)

__all__ = [
    "Conflict",
    "FirstRun",
    "InvalidArgument",
    "InvalidKey",
    "NotFound",
    "PlatformError",
    "ProjectForbidden",
    "StorageError",
    "ensure_first_run",
]

"""The platform: accounts, users, projects, API keys and request logs, stored with SQLAlchemy.

Import from the domain packages (``zgpu.platform.keys``, ``zgpu.platform.logs`` ...); this
package re-exports only the error hierarchy and first-run setup.
"""

from zgpu.platform.bootstrap import FirstRun, ensure_first_run
from zgpu.platform.errors import (
    Conflict,
    Forbidden,
    InsufficientQuota,
    InvalidArgument,
    InvalidKey,
    NotFound,
    PlatformError,
    ProjectForbidden,
    RateLimited,
    StorageError,
    Unauthenticated,
)

__all__ = [
    "Conflict",
    "FirstRun",
    "Forbidden",
    "InsufficientQuota",
    "InvalidArgument",
    "InvalidKey",
    "NotFound",
    "PlatformError",
    "ProjectForbidden",
    "RateLimited",
    "StorageError",
    "Unauthenticated",
    "ensure_first_run",
]

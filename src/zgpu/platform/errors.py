"""The platform's error hierarchy.

::

    PlatformError
    ├── InvalidArgument    a caller passed a value the platform refuses (bad name, naive time)
    ├── InvalidKey         missing, malformed, unknown, revoked or expired API key
    ├── ProjectForbidden   the key may not act on the named project (or it is archived)
    ├── NotFound           the organization, project or key does not exist
    ├── Conflict           the write collides with existing state (duplicate name, ...)
    ├── StorageError       the database failed; the operation did not happen
    ├── Unauthenticated    no, unknown or expired session or admin key (management API)
    ├── Forbidden          the caller's role lacks the permission (or the CSRF token is wrong)
    ├── RateLimited        too many attempts; ``retry_after_s`` says when to try again
    └── InsufficientQuota  the organization is out of credit

Every error carries a human ``message``, a machine ``code`` and, when one input is to blame, the
``param`` naming it. The errors know nothing of HTTP: ``zgpu.api`` maps classes to statuses.
SQLAlchemy and driver errors are translated into these at the storage seam and never escape.
"""

from __future__ import annotations


class PlatformError(Exception):
    """Base of every error raised by ``zgpu.platform``.

    ``code`` defaults to the subclass's ``default_code``; ``param`` names the offending input.
    """

    default_code = "platform_error"

    def __init__(self, message: str, code: str | None = None, param: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code if code is not None else self.default_code
        self.param = param

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, code={self.code!r}, param={self.param!r})"


class InvalidArgument(PlatformError):
    """A value passed to a platform service is not acceptable (empty name, unknown environment)."""

    default_code = "invalid_argument"


class InvalidKey(PlatformError):
    """The API key is missing, malformed, unknown, revoked or expired."""

    default_code = "invalid_api_key"


class ProjectForbidden(PlatformError):
    """The key is valid but may not act on the requested project."""

    default_code = "project_forbidden"


class NotFound(PlatformError):
    """The requested organization, project or key does not exist."""

    default_code = "not_found"


class Conflict(PlatformError):
    """The write would violate a uniqueness or state rule (duplicate live project name, ...)."""

    default_code = "conflict"


class StorageError(PlatformError):
    """The database could not complete the operation; nothing was written."""

    default_code = "storage_error"


class Unauthenticated(PlatformError):
    """The management API caller has no valid session or admin key."""

    default_code = "unauthenticated"


class Forbidden(PlatformError):
    """The caller is known, but their role does not allow the action."""

    default_code = "permission_denied"


class RateLimited(PlatformError):
    """Too many attempts in the window; retry after ``retry_after_s`` seconds."""

    default_code = "rate_limited"

    def __init__(
        self,
        message: str,
        retry_after_s: float,
        code: str | None = None,
        param: str | None = None,
    ) -> None:
        super().__init__(message, code=code, param=param)
        self.retry_after_s = retry_after_s


class InsufficientQuota(PlatformError):
    """The organization has no credit left for the request."""

    default_code = "insufficient_quota"

"""Who may do what in an organization: the role → permission table, as data.

``ROLE_PERMISSIONS`` is the whole policy. ``docs/roles.md`` is generated from it (a test keeps
them equal), and every management route calls ``require`` with one ``Permission``. Memberships
carry one of ``MEMBER_ROLES``; an organization admin key acts with ``Role.ADMIN_KEY``.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from zgpu.platform.errors import Forbidden, InvalidArgument


class Role(StrEnum):
    """A member's role in an organization, or the pseudo-role of an admin key."""

    OWNER = "owner"
    ADMIN = "admin"
    MEMBER = "member"
    VIEWER = "viewer"
    ADMIN_KEY = "admin_key"


MEMBER_ROLES: Final[tuple[Role, ...]] = (Role.OWNER, Role.ADMIN, Role.MEMBER, Role.VIEWER)
"""The roles a membership may hold (most powerful first)."""


class Permission(StrEnum):
    """One thing a caller may be allowed to do in an organization."""

    ORG_READ = "org.read"
    ORG_UPDATE = "org.update"
    MEMBERS_READ = "members.read"
    MEMBERS_MANAGE = "members.manage"
    OWNERS_MANAGE = "owners.manage"
    PROJECTS_READ = "projects.read"
    PROJECTS_CREATE = "projects.create"
    PROJECTS_UPDATE = "projects.update"
    PROJECTS_ARCHIVE = "projects.archive"
    KEYS_READ = "keys.read"
    KEYS_CREATE = "keys.create"
    KEYS_REVOKE = "keys.revoke"
    ADMIN_KEYS_MANAGE = "admin_keys.manage"
    LOGS_READ = "logs.read"
    USAGE_READ = "usage.read"
    BILLING_READ = "billing.read"
    BILLING_MANAGE = "billing.manage"
    NODES_READ = "nodes.read"
    NODES_MANAGE = "nodes.manage"


PERMISSION_DESCRIPTIONS: Final[Mapping[Permission, str]] = MappingProxyType(
    {
        Permission.ORG_READ: "See the organization",
        Permission.ORG_UPDATE: "Rename the organization",
        Permission.MEMBERS_READ: "List members and their roles",
        Permission.MEMBERS_MANAGE: "Add members, change roles, remove members (not owners)",
        Permission.OWNERS_MANAGE: "Grant, change or remove the owner role",
        Permission.PROJECTS_READ: "List and see projects",
        Permission.PROJECTS_CREATE: "Create projects",
        Permission.PROJECTS_UPDATE: "Rename projects, change their environment",
        Permission.PROJECTS_ARCHIVE: "Archive and restore projects",
        Permission.KEYS_READ: "List API keys (masked)",
        Permission.KEYS_CREATE: "Create API keys",
        Permission.KEYS_REVOKE: "Revoke API keys",
        Permission.ADMIN_KEYS_MANAGE: "List, create and revoke admin keys",
        Permission.LOGS_READ: "Read and export request logs",
        Permission.USAGE_READ: "Read usage analytics",
        Permission.BILLING_READ: "See credit and invoices",
        Permission.BILLING_MANAGE: "Buy credit, change payment details",
        Permission.NODES_READ: "See the organization's edge nodes",
        Permission.NODES_MANAGE: "Register and remove edge nodes",
    }
)
"""What each permission allows, in words (the rows of docs/roles.md)."""

_P = Permission
_READ: Final = frozenset(
    {
        _P.ORG_READ,
        _P.MEMBERS_READ,
        _P.PROJECTS_READ,
        _P.KEYS_READ,
        _P.LOGS_READ,
        _P.USAGE_READ,
        _P.NODES_READ,
    }
)
_MEMBER: Final = _READ | {_P.KEYS_CREATE, _P.KEYS_REVOKE}
_ADMIN: Final = _MEMBER | {
    _P.ORG_UPDATE,
    _P.MEMBERS_MANAGE,
    _P.PROJECTS_CREATE,
    _P.PROJECTS_UPDATE,
    _P.PROJECTS_ARCHIVE,
    _P.ADMIN_KEYS_MANAGE,
    _P.BILLING_READ,
    _P.NODES_MANAGE,
}
_OWNER: Final = frozenset(Permission)
# Automation: what an admin does, except minting admin keys and managing people.
_ADMIN_KEY: Final = _ADMIN - {_P.ADMIN_KEYS_MANAGE, _P.MEMBERS_MANAGE}

ROLE_PERMISSIONS: Final[Mapping[Role, frozenset[Permission]]] = MappingProxyType(
    {
        Role.OWNER: _OWNER,
        Role.ADMIN: _ADMIN,
        Role.MEMBER: _MEMBER,
        Role.VIEWER: _READ,
        Role.ADMIN_KEY: _ADMIN_KEY,
    }
)
"""Role → everything it may do. Anything not listed is refused."""


def allows(role: Role, permission: Permission) -> bool:
    """Whether ``role`` holds ``permission``."""
    return permission in ROLE_PERMISSIONS[role]


def require(role: Role, permission: Permission) -> None:
    """Return when ``role`` holds ``permission``; raise ``Forbidden`` (naming both) otherwise."""
    if not allows(role, permission):
        raise Forbidden(
            f"Your role ({role.value}) does not allow {permission.value}.",
            code="permission_denied",
        )


def parse_member_role(value: str) -> Role:
    """A membership role from its name; raises ``InvalidArgument`` (param ``role``) otherwise."""
    for role in MEMBER_ROLES:
        if role.value == value:
            return role
    names = ", ".join(role.value for role in MEMBER_ROLES)
    raise InvalidArgument(f"role must be one of {names}", param="role")


ROLE_TITLES: Final[Mapping[Role, str]] = MappingProxyType(
    {
        Role.OWNER: "Owner",
        Role.ADMIN: "Admin",
        Role.MEMBER: "Member",
        Role.VIEWER: "Viewer",
        Role.ADMIN_KEY: "Admin key",
    }
)


def permission_table_markdown() -> str:
    """The permission table of ``docs/roles.md``, generated from ``ROLE_PERMISSIONS``."""
    roles = list(Role)
    header = "| Permission | What it allows | " + " | ".join(ROLE_TITLES[r] for r in roles) + " |"
    rule = "|---|---|" + "|".join(":-:" for _ in roles) + "|"
    rows = [
        f"| `{p.value}` | {PERMISSION_DESCRIPTIONS[p]} | "
        + " | ".join("yes" if allows(r, p) else "-" for r in roles)
        + " |"
        for p in Permission
    ]
    return "\n".join([header, rule, *rows])

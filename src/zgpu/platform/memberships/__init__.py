"""Memberships: users in organizations, each with a role; every organization keeps an owner."""

from zgpu.platform.memberships.models import Membership
from zgpu.platform.memberships.schemas import MemberInfo, OrganizationRole
from zgpu.platform.memberships.service import (
    add_member,
    change_role,
    get_member,
    list_members,
    organizations_of_user,
    remove_member,
    role_of,
    roles_of_user,
)

__all__ = [
    "MemberInfo",
    "Membership",
    "OrganizationRole",
    "add_member",
    "change_role",
    "get_member",
    "list_members",
    "organizations_of_user",
    "remove_member",
    "role_of",
    "roles_of_user",
]

"""Membership operations: who is in an organization, with which role.

The invariant: an organization always keeps at least one owner. Demoting or removing the last
owner raises ``Conflict``; the organization row is locked first so two concurrent changes cannot
both pass the check. Callers pass a session and commit it (unit of work); permission checks are
the caller's (``zgpu.platform.authz``).
"""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from zgpu.platform.authz import Role, parse_member_role
from zgpu.platform.errors import Conflict, NotFound
from zgpu.platform.memberships.models import Membership
from zgpu.platform.memberships.repository import MembershipRepository
from zgpu.platform.memberships.schemas import MemberInfo, OrganizationRole
from zgpu.platform.users.models import User

_LAST_OWNER = "an organization must keep at least one owner"


def _info(membership: Membership, user: User) -> MemberInfo:
    return MemberInfo(
        user_id=user.id,
        email=user.email,
        name=user.name,
        role=Role(membership.role),
        added_at=membership.created_at,
    )


def add_member(
    session: Session, organization_id: uuid.UUID, user_id: uuid.UUID, role: str
) -> MemberInfo:
    """Add ``user_id`` to the organization with ``role``.

    Raises ``InvalidArgument`` (param ``role``) for an unknown role, ``NotFound`` when the user
    does not exist and ``Conflict`` when they are already a member.
    """
    parsed = parse_member_role(role)
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"user {user_id} not found", param="user_id")
    memberships = MembershipRepository(session)
    if memberships.get(organization_id, user_id) is not None:
        raise Conflict("the user is already a member", param="email")
    membership = memberships.add(
        Membership(organization_id=organization_id, user_id=user_id, role=parsed.value)
    )
    return _info(membership, user)


def role_of(session: Session, organization_id: uuid.UUID, user_id: uuid.UUID) -> Role | None:
    """The user's role in the organization, or ``None`` when they are not a member."""
    membership = MembershipRepository(session).get(organization_id, user_id)
    return Role(membership.role) if membership is not None else None


def roles_of_user(session: Session, user_id: uuid.UUID) -> dict[uuid.UUID, Role]:
    """Organization id → the user's role there."""
    return {
        org_id: Role(role)
        for org_id, role in MembershipRepository(session).roles_of_user(user_id).items()
    }


def organizations_of_user(session: Session, user_id: uuid.UUID) -> list[OrganizationRole]:
    """The user's organizations with their role, oldest membership first."""
    return [
        OrganizationRole(org.id, org.name, Role(role), org.created_at)
        for org, role in MembershipRepository(session).of_user(user_id)
    ]


def list_members(session: Session, organization_id: uuid.UUID) -> list[MemberInfo]:
    """The organization's members, oldest first."""
    return [_info(m, u) for m, u in MembershipRepository(session).members(organization_id)]


def get_member(session: Session, organization_id: uuid.UUID, user_id: uuid.UUID) -> MemberInfo:
    """One member; raises ``NotFound`` when the user is not in the organization."""
    memberships = MembershipRepository(session)
    membership = memberships.get(organization_id, user_id)
    user = session.get(User, user_id)
    if membership is None or user is None:
        raise NotFound(f"user {user_id} is not a member", param="user_id")
    return _info(membership, user)


def change_role(
    session: Session, organization_id: uuid.UUID, user_id: uuid.UUID, role: str
) -> MemberInfo:
    """Give a member a new role.

    Raises ``InvalidArgument`` for an unknown role, ``NotFound`` when the user is not a member
    and ``Conflict`` when it would demote the last owner.
    """
    parsed = parse_member_role(role)
    memberships = MembershipRepository(session)
    memberships.lock_organization(organization_id)
    membership = memberships.get(organization_id, user_id)
    if membership is None:
        raise NotFound(f"user {user_id} is not a member", param="user_id")
    if (
        membership.role == Role.OWNER.value
        and parsed is not Role.OWNER
        and memberships.count_owners(organization_id) <= 1
    ):
        raise Conflict(_LAST_OWNER, code="last_owner", param="role")
    membership.role = parsed.value
    memberships.flush()
    return get_member(session, organization_id, user_id)


def remove_member(session: Session, organization_id: uuid.UUID, user_id: uuid.UUID) -> None:
    """Remove a member.

    Raises ``NotFound`` when the user is not a member and ``Conflict`` for the last owner.
    """
    memberships = MembershipRepository(session)
    memberships.lock_organization(organization_id)
    membership = memberships.get(organization_id, user_id)
    if membership is None:
        raise NotFound(f"user {user_id} is not a member", param="user_id")
    if membership.role == Role.OWNER.value and memberships.count_owners(organization_id) <= 1:
        raise Conflict(_LAST_OWNER, code="last_owner", param="user_id")
    memberships.delete(membership)

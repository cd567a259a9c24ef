"""Memberships: roles per organization, and an organization always keeps an owner."""

from __future__ import annotations

import uuid

import pytest
from argon2 import PasswordHasher

from zgpu.platform.accounts import create_organization, list_user_organizations
from zgpu.platform.authz import Role
from zgpu.platform.db import Database
from zgpu.platform.errors import Conflict, InvalidArgument, NotFound
from zgpu.platform.memberships import (
    add_member,
    change_role,
    list_members,
    remove_member,
    role_of,
    roles_of_user,
)
from zgpu.platform.users import PasswordHashing, create_user

HASHING = PasswordHashing(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def _user(db: Database, name: str) -> uuid.UUID:
    with db.session() as session:
        return create_user(session, HASHING, f"{name}@example.com", "long-enough-pass", name).id


def test_creating_an_organization_makes_the_creator_owner(db: Database) -> None:
    alice = _user(db, "alice")
    with db.session() as session:
        org = create_organization(session, "Acme", owner_id=alice)
    with db.session() as session:
        assert role_of(session, org.id, alice) is Role.OWNER
        (listed,) = list_user_organizations(session, alice)
        assert (listed.organization_id, listed.name, listed.role) == (org.id, "Acme", Role.OWNER)


def test_add_change_remove(db: Database) -> None:
    alice, bob = _user(db, "alice"), _user(db, "bob")
    with db.session() as session:
        org = create_organization(session, "Acme", owner_id=alice)
        add_member(session, org.id, bob, "viewer")
    with pytest.raises(Conflict), db.session() as session:
        add_member(session, org.id, bob, "member")
    with pytest.raises(InvalidArgument) as caught, db.session() as session:
        add_member(session, org.id, bob, "admin_key")
    assert caught.value.param == "role"
    with db.session() as session:
        assert change_role(session, org.id, bob, "admin").role is Role.ADMIN
        assert roles_of_user(session, bob) == {org.id: Role.ADMIN}
        assert [m.role for m in list_members(session, org.id)] == [Role.OWNER, Role.ADMIN]
        remove_member(session, org.id, bob)
    with db.session() as session:
        assert role_of(session, org.id, bob) is None
        with pytest.raises(NotFound):
            remove_member(session, org.id, bob)


def test_the_last_owner_stays(db: Database) -> None:
    alice, bob = _user(db, "alice"), _user(db, "bob")
    with db.session() as session:
        org = create_organization(session, "Acme", owner_id=alice)
    for demote in (
        lambda s: change_role(s, org.id, alice, "admin"),
        lambda s: remove_member(s, org.id, alice),
    ):
        with pytest.raises(Conflict) as caught, db.session() as session:
            demote(session)
        assert caught.value.code == "last_owner"
    with db.session() as session:
        add_member(session, org.id, bob, "owner")
        change_role(session, org.id, alice, "member")
    with db.session() as session:
        assert role_of(session, org.id, alice) is Role.MEMBER
        with pytest.raises(Conflict):
            remove_member(session, org.id, bob)

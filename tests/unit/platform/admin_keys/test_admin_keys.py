"""Admin keys: shown once, stored hashed, revocable, and never accepted for inference."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from zgpu.platform.accounts import create_organization
from zgpu.platform.admin_keys import (
    ADMIN_KEY_PREFIX,
    AdminKey,
    authenticate_admin_key,
    create_admin_key,
    get_admin_key,
    list_admin_keys,
    revoke_admin_key,
)
from zgpu.platform.db import Database
from zgpu.platform.errors import InvalidKey, NotFound, Unauthenticated
from zgpu.platform.keys import KeyAuthenticator


@pytest.fixture
def org_id(db: Database) -> uuid.UUID:
    with db.session() as session:
        return create_organization(session, "Acme").id


def test_create_list_authenticate_revoke(db: Database, org_id: uuid.UUID) -> None:
    with db.session() as session:
        created = create_admin_key(session, org_id, "ci", None)
    assert created.secret.startswith(ADMIN_KEY_PREFIX)
    assert len(created.secret) == 11 + 43
    assert created.masked == f"{created.secret[:15]}…{created.secret[-4:]}"
    with db.session() as session:
        row = session.scalars(select(AdminKey)).one()
        assert created.secret not in (row.secret_hash, row.prefix)
        identity = authenticate_admin_key(session, created.secret)
    assert (identity.key_id, identity.organization_id) == (created.id, org_id)
    with db.session() as session:
        (listed,) = list_admin_keys(session, org_id)
        assert listed.status == "active"
        assert listed.last_used_at is not None
        revoke_admin_key(session, org_id, created.id)
    with pytest.raises(Unauthenticated), db.session() as session:
        authenticate_admin_key(session, created.secret)
    with db.session() as session:
        assert list_admin_keys(session, org_id)[0].status == "revoked"


def test_other_organizations_do_not_see_the_key(db: Database, org_id: uuid.UUID) -> None:
    with db.session() as session:
        other = create_organization(session, "Other").id
        created = create_admin_key(session, org_id, "ci", None)
    for call in (get_admin_key, revoke_admin_key):
        with pytest.raises(NotFound), db.session() as session:
            call(session, other, created.id)


async def test_admin_keys_never_authenticate_inference(db: Database, org_id: uuid.UUID) -> None:
    with db.session() as session:
        created = create_admin_key(session, org_id, "ci", None)
    authenticator = KeyAuthenticator(db, cache_ttl_s=0)
    with pytest.raises(InvalidKey):
        await authenticator.authenticate(created.secret)
    await authenticator.aclose()

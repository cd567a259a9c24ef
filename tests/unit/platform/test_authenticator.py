"""KeyAuthenticator: valid keys resolve, everything else is InvalidKey; caching is bounded."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event

from zgpu.platform.accounts import create_organization
from zgpu.platform.db import Database, utc_now
from zgpu.platform.errors import InvalidKey
from zgpu.platform.keys import KeyAuthenticator, create_key, get_key, revoke_key
from zgpu.platform.projects import archive_project, create_project


@pytest.fixture
async def authenticator(db: Database) -> AsyncIterator[KeyAuthenticator]:
    auth = KeyAuthenticator(db, cache_ttl_s=0.2)
    yield auth
    await auth.aclose()


def _new_key(db: Database, **kwargs: Any) -> tuple[uuid.UUID, uuid.UUID, str, uuid.UUID]:
    with db.session() as session:
        organization = create_organization(session, "Acme")
        project = create_project(session, organization.id, "Search")
        key = create_key(session, project.id, "Backend", **kwargs)
    return organization.id, project.id, key.secret, key.id


async def test_valid_key_resolves_to_its_project(
    db: Database, authenticator: KeyAuthenticator
) -> None:
    organization_id, project_id, secret, key_id = _new_key(db)
    authenticated = await authenticator.authenticate(secret)
    assert authenticated.key_id == key_id
    assert authenticated.project_id == project_id
    assert authenticated.organization_id == organization_id
    assert authenticated.project_archived is False


@pytest.mark.parametrize(
    "secret",
    ["", "sk-abc", "zgpu-api-", "zgpu-api-" + "a" * 42, "zgpu-api-" + "a" * 42 + "!"],
)
async def test_malformed_keys_are_refused(authenticator: KeyAuthenticator, secret: str) -> None:
    with pytest.raises(InvalidKey):
        await authenticator.authenticate(secret)


async def test_unknown_revoked_and_expired_keys_are_refused(
    db: Database, authenticator: KeyAuthenticator
) -> None:
    _, project_id, secret, key_id = _new_key(db)
    with pytest.raises(InvalidKey):
        await authenticator.authenticate("zgpu-api-" + "A" * 43)
    with db.session() as session:
        expired = create_key(session, project_id, "old", expires_at=utc_now() - timedelta(1))
        revoke_key(session, key_id)
    with pytest.raises(InvalidKey):
        await authenticator.authenticate(expired.secret)
    fresh = KeyAuthenticator(db, cache_ttl_s=0)
    with pytest.raises(InvalidKey):
        await fresh.authenticate(secret)


async def test_archived_project_is_reported(db: Database, authenticator: KeyAuthenticator) -> None:
    _, project_id, secret, _ = _new_key(db)
    with db.session() as session:
        archive_project(session, project_id)
    assert (await authenticator.authenticate(secret)).project_archived is True


async def test_revocation_elsewhere_takes_effect_within_the_ttl(
    db: Database, authenticator: KeyAuthenticator, migrated_url: str
) -> None:
    _, _, secret, key_id = _new_key(db)
    await authenticator.authenticate(secret)  # now cached
    other_process = Database(migrated_url)
    try:
        with other_process.session() as session:
            revoke_key(session, key_id)
    finally:
        other_process.dispose()
    deadline = time.monotonic() + 5.0  # generous: the TTL is 0.2 s
    while True:
        try:
            await authenticator.authenticate(secret)
        except InvalidKey:
            break
        assert time.monotonic() < deadline, "revoked key still accepted"
        await asyncio.sleep(0.02)


async def test_results_are_cached_for_the_ttl(db: Database) -> None:
    _, _, secret, key_id = _new_key(db)
    auth = KeyAuthenticator(db, cache_ttl_s=3600)
    queries = _count_statements(db, "WHERE api_keys.secret_hash")
    try:
        await asyncio.gather(*(auth.authenticate(secret) for _ in range(10)))
        with db.session() as session:
            revoke_key(session, key_id)
        await auth.authenticate(secret)  # still cached: a long TTL means a late revocation
        unknown = "zgpu-api-" + "B" * 43
        for _ in range(3):
            with pytest.raises(InvalidKey):
                await auth.authenticate(unknown)
        assert len(queries) == 2  # one per distinct secret, negative result cached too
        auth.evict_key(key_id)  # a gateway that revokes evicts at once
        with pytest.raises(InvalidKey):
            await auth.authenticate(secret)
    finally:
        await auth.aclose()


async def test_last_used_is_recorded_at_most_once_per_interval(db: Database) -> None:
    _, _, secret, key_id = _new_key(db)
    auth = KeyAuthenticator(db, cache_ttl_s=0)
    updates = _count_statements(db, "UPDATE api_keys")
    try:
        before = utc_now()
        for _ in range(5):
            await auth.authenticate(secret)
        await auth.aclose()
        with db.session() as session:
            last_used = get_key(session, key_id).last_used_at
        assert last_used is not None
        assert last_used >= before - timedelta(seconds=1)
        assert len(updates) == 1
    finally:
        await auth.aclose()


def _count_statements(db: Database, fragment: str) -> list[str]:
    seen: list[str] = []

    def before_cursor_execute(*args: Any) -> None:
        statement: str = args[2]
        if fragment in statement:
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", before_cursor_execute)
    return seen

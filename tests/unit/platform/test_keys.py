"""API keys: the secret is shown once and never stored; listing is masked; revoke is final."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import MetaData, select

from tests.support.postgres import PostgresHandle
from zgpu.platform.db import Database, utc_now
from zgpu.platform.errors import Conflict, InvalidArgument, NotFound
from zgpu.platform.keys import KeyStatus, create_key, get_key, list_keys, revoke_key
from zgpu.platform.keys.secret import hash_secret, is_well_formed
from zgpu.platform.projects import archive_project

SECRET = re.compile(r"zgpu-api-[A-Za-z0-9_-]{43}")


def test_created_key_has_the_public_format_and_a_masked_form(
    db: Database, project_id: uuid.UUID
) -> None:
    with db.session() as session:
        key = create_key(session, project_id, "Backend")
    assert SECRET.fullmatch(key.secret)
    assert is_well_formed(key.secret)
    assert key.masked == f"{key.secret[:13]}…{key.secret[-4:]}"
    assert key.secret not in repr(key)
    with db.session() as session:
        (info,) = list_keys(session, project_id)
    assert (info.id, info.name, info.masked) == (key.id, "Backend", key.masked)
    assert info.status is KeyStatus.ACTIVE
    assert info.last_used_at is None


def test_every_key_is_different(db: Database, project_id: uuid.UUID) -> None:
    with db.session() as session:
        secrets = {create_key(session, project_id, f"k{i}").secret for i in range(20)}
    assert len(secrets) == 20


def test_secret_is_never_stored(
    db: Database, project_id: uuid.UUID, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    with db.session() as session:
        key = create_key(session, project_id, "Backend")
    random_part = key.secret.removeprefix("zgpu-api-")
    digest = hash_secret(key.secret)
    # Every row of every table, as text.
    metadata = MetaData()
    metadata.reflect(db.engine)
    with db.engine.connect() as connection:
        tables = metadata.sorted_tables
        rows = " ".join(str(row) for t in tables for row in connection.execute(select(t)))
    assert digest in rows  # the search does see the key's row
    assert random_part not in rows
    assert random_part[:20] not in rows
    # The raw storage: the database file (and its WAL) on SQLite, a full dump on PostgreSQL.
    if db.dialect == "sqlite":
        db.dispose()
        path = Path(str(db.url.database))
        raw = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
        assert digest.encode() in raw
        assert random_part.encode() not in raw
    else:
        postgres: PostgresHandle = request.getfixturevalue("postgres_server")
        dump = postgres.dump(str(db.url.render_as_string(hide_password=False)))
        assert digest in dump
        assert random_part not in dump


def test_statuses_and_revocation(db: Database, project_id: uuid.UUID) -> None:
    now = utc_now()
    with db.session() as session:
        active = create_key(session, project_id, "active", expires_at=now + timedelta(days=1))
        expired = create_key(session, project_id, "expired", expires_at=now - timedelta(seconds=1))
        revoked = create_key(session, project_id, "revoked")
    with db.session() as session:
        revoke_key(session, revoked.id)
    with db.session() as session:
        statuses = {info.name: info.status for info in list_keys(session, project_id)}
        first_revocation = get_key(session, revoked.id).revoked_at
    assert statuses == {
        "active": KeyStatus.ACTIVE,
        "expired": KeyStatus.EXPIRED,
        "revoked": KeyStatus.REVOKED,
    }
    assert first_revocation is not None
    with db.session() as session:
        revoke_key(session, revoked.id)  # again: nothing changes
        assert get_key(session, revoked.id).revoked_at == first_revocation
        assert get_key(session, active.id).expires_at == active.expires_at
        assert get_key(session, expired.id).status is KeyStatus.EXPIRED


def test_unknown_ids_raise_not_found(db: Database, project_id: uuid.UUID) -> None:
    with pytest.raises(NotFound), db.session() as session:
        revoke_key(session, uuid.uuid4())
    with pytest.raises(NotFound), db.session() as session:
        create_key(session, uuid.uuid4(), "Backend")
    with pytest.raises(NotFound), db.session() as session:
        list_keys(session, uuid.uuid4())


def test_key_rules(db: Database, project_id: uuid.UUID) -> None:
    naive = utc_now().replace(tzinfo=None)
    with pytest.raises(InvalidArgument), db.session() as session:
        create_key(session, project_id, "Backend", expires_at=naive)
    with pytest.raises(InvalidArgument), db.session() as session:
        create_key(session, project_id, " ")
    with db.session() as session:
        archive_project(session, project_id)
    with pytest.raises(Conflict), db.session() as session:
        create_key(session, project_id, "Backend")

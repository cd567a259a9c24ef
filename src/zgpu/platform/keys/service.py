"""API key operations. Callers pass a session and commit it (unit of work)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Session

from zgpu.platform.db.types import utc_now
from zgpu.platform.errors import Conflict, InvalidArgument, NotFound
from zgpu.platform.keys import secret as key_secret
from zgpu.platform.keys.models import ApiKey
from zgpu.platform.keys.repository import KeyRepository
from zgpu.platform.keys.schemas import KEY_NAME_MAX, CreatedKey, KeyInfo
from zgpu.platform.names import clean_name
from zgpu.platform.projects.repository import ProjectRepository


def create_key(
    session: Session,
    project_id: uuid.UUID,
    name: str,
    created_by: uuid.UUID | None = None,
    expires_at: datetime | None = None,
) -> CreatedKey:
    """Create a key for a project and return it with its secret, the only time it is seen.

    Only the SHA-256 of the secret, its visible prefix and its last 4 characters are stored.
    Raises ``NotFound`` if the project does not exist, ``Conflict`` if it is archived, and
    ``InvalidArgument`` for an empty or over-long name or a naive ``expires_at``.
    """
    cleaned = clean_name(name, param="name", max_length=KEY_NAME_MAX)
    if expires_at is not None and expires_at.utcoffset() is None:
        raise InvalidArgument("expires_at must be timezone-aware", param="expires_at")
    project = ProjectRepository(session).get(project_id)
    if project is None:
        raise NotFound(f"project {project_id} not found", param="project_id")
    if project.archived_at is not None:
        raise Conflict("cannot create a key for an archived project", param="project_id")
    secret = key_secret.generate_secret()
    key = KeyRepository(session).add(
        ApiKey(
            project_id=project_id,
            name=cleaned,
            prefix=key_secret.visible_prefix(secret),
            last4=key_secret.last4(secret),
            secret_hash=key_secret.hash_secret(secret),
            created_by=created_by,
            expires_at=expires_at,
        )
    )
    return CreatedKey(
        id=key.id,
        project_id=key.project_id,
        name=key.name,
        secret=secret,
        masked=key_secret.mask(key.prefix, key.last4),
        created_at=key.created_at,
        expires_at=key.expires_at,
    )


def _info(key: ApiKey, now: datetime) -> KeyInfo:
    return KeyInfo(
        id=key.id,
        project_id=key.project_id,
        name=key.name,
        masked=key_secret.mask(key.prefix, key.last4),
        status=key.status_at(now),
        created_at=key.created_at,
        last_used_at=key.last_used_at,
        expires_at=key.expires_at,
        revoked_at=key.revoked_at,
        created_by=key.created_by,
    )


def list_keys(session: Session, project_id: uuid.UUID) -> list[KeyInfo]:
    """The project's keys, newest first, masked, with their status now.

    Raises ``NotFound`` if the project does not exist.
    """
    if ProjectRepository(session).get(project_id) is None:
        raise NotFound(f"project {project_id} not found", param="project_id")
    now = utc_now()
    return [_info(key, now) for key in KeyRepository(session).list_for_project(project_id)]


def get_key(session: Session, key_id: uuid.UUID) -> KeyInfo:
    """One key, masked; raises ``NotFound`` when there is none."""
    key = KeyRepository(session).get(key_id)
    if key is None:
        raise NotFound(f"API key {key_id} not found", param="key_id")
    return _info(key, utc_now())


def revoke_key(session: Session, key_id: uuid.UUID) -> None:
    """Revoke a key for good. Revoking a revoked key changes nothing.

    Gateways stop accepting it within their key cache TTL. Raises ``NotFound`` when there is
    no such key.
    """
    keys = KeyRepository(session)
    key = keys.get(key_id)
    if key is None:
        raise NotFound(f"API key {key_id} not found", param="key_id")
    if key.revoked_at is None:
        key.revoked_at = utc_now()
        keys.flush()

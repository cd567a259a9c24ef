"""Admin key operations: create (secret once), list (masked), revoke, authenticate.

Admin keys live in their own table: the inference ``KeyAuthenticator`` only reads ``api_keys``,
so an admin key can never call inference, and an API key never passes here. Callers pass a
session and commit it.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from zgpu.platform.admin_keys import secret as admin_secret
from zgpu.platform.admin_keys.models import AdminKey
from zgpu.platform.admin_keys.schemas import AdminKeyIdentity, AdminKeyInfo, CreatedAdminKey
from zgpu.platform.db.integrity import flush_or_conflict
from zgpu.platform.db.types import utc_now
from zgpu.platform.errors import NotFound, Unauthenticated
from zgpu.platform.keys.schemas import KEY_NAME_MAX
from zgpu.platform.keys.secret import mask
from zgpu.platform.names import clean_name

_TOUCH_EVERY = timedelta(minutes=1)
_INVALID = "Invalid admin key: it is unknown or revoked."


def _info(key: AdminKey) -> AdminKeyInfo:
    return AdminKeyInfo(
        id=key.id,
        organization_id=key.organization_id,
        name=key.name,
        masked=mask(key.prefix, key.last4),
        created_at=key.created_at,
        created_by=key.created_by,
        last_used_at=key.last_used_at,
        revoked_at=key.revoked_at,
    )


def create_admin_key(
    session: Session, organization_id: uuid.UUID, name: str, created_by: uuid.UUID | None
) -> CreatedAdminKey:
    """Create an admin key for the organization; the secret is returned this once.

    Raises ``InvalidArgument`` for an empty or over-long name.
    """
    cleaned = clean_name(name, param="name", max_length=KEY_NAME_MAX)
    secret = admin_secret.generate()
    key = AdminKey(
        organization_id=organization_id,
        name=cleaned,
        prefix=admin_secret.prefix(secret),
        last4=admin_secret.last4(secret),
        secret_hash=admin_secret.hash_secret(secret),
        created_by=created_by,
    )
    session.add(key)
    flush_or_conflict(session, "the admin key could not be stored")
    return CreatedAdminKey(
        id=key.id,
        organization_id=organization_id,
        name=key.name,
        secret=secret,
        masked=mask(key.prefix, key.last4),
        created_at=key.created_at,
        created_by=created_by,
    )


def list_admin_keys(session: Session, organization_id: uuid.UUID) -> list[AdminKeyInfo]:
    """The organization's admin keys, newest first, revoked ones included."""
    stmt = (
        select(AdminKey)
        .where(AdminKey.organization_id == organization_id)
        .order_by(AdminKey.created_at.desc(), AdminKey.id)
    )
    return [_info(key) for key in session.scalars(stmt).all()]


def get_admin_key(session: Session, organization_id: uuid.UUID, key_id: uuid.UUID) -> AdminKeyInfo:
    """One admin key of the organization; ``NotFound`` when missing or another org's."""
    key = session.get(AdminKey, key_id)
    if key is None or key.organization_id != organization_id:
        raise NotFound(f"admin key {key_id} not found", param="key_id")
    return _info(key)


def revoke_admin_key(
    session: Session, organization_id: uuid.UUID, key_id: uuid.UUID
) -> AdminKeyInfo:
    """Revoke an admin key of the organization, for good; it fails on its next request.

    Revoking a revoked key changes nothing. Raises ``NotFound`` when missing or another org's.
    """
    key = session.get(AdminKey, key_id)
    if key is None or key.organization_id != organization_id:
        raise NotFound(f"admin key {key_id} not found", param="key_id")
    if key.revoked_at is None:
        key.revoked_at = utc_now()
        session.flush()
    return _info(key)


def authenticate_admin_key(session: Session, secret: str) -> AdminKeyIdentity:
    """The organization a live admin key speaks for; notes its use (at most once a minute).

    Raises ``Unauthenticated`` (code ``invalid_admin_key``) for anything else.
    """
    if not admin_secret.is_well_formed(secret):
        raise Unauthenticated(_INVALID, code="invalid_admin_key")
    key = session.scalars(
        select(AdminKey).where(
            AdminKey.secret_hash == admin_secret.hash_secret(secret),
            AdminKey.revoked_at.is_(None),
        )
    ).first()
    if key is None:
        raise Unauthenticated(_INVALID, code="invalid_admin_key")
    now = utc_now()
    if key.last_used_at is None or now - key.last_used_at >= _TOUCH_EVERY:
        key.last_used_at = now
        session.flush()
    return AdminKeyIdentity(key.id, key.organization_id)

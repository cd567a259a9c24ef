"""Organization admin keys (``zgpu-admin-…``): they authenticate the management API only."""

from zgpu.platform.admin_keys.models import AdminKey
from zgpu.platform.admin_keys.schemas import AdminKeyIdentity, AdminKeyInfo, CreatedAdminKey
from zgpu.platform.admin_keys.secret import ADMIN_KEY_PREFIX
from zgpu.platform.admin_keys.service import (
    authenticate_admin_key,
    create_admin_key,
    get_admin_key,
    list_admin_keys,
    revoke_admin_key,
)

__all__ = [
    "ADMIN_KEY_PREFIX",
    "AdminKey",
    "AdminKeyIdentity",
    "AdminKeyInfo",
    "CreatedAdminKey",
    "authenticate_admin_key",
    "create_admin_key",
    "get_admin_key",
    "list_admin_keys",
    "revoke_admin_key",
]

"""API keys: creation (secret shown once), listing (masked), revocation and authentication."""

from zgpu.platform.keys.authenticator import KeyAuthenticator
from zgpu.platform.keys.models import ApiKey
from zgpu.platform.keys.schemas import AuthenticatedKey, CreatedKey, KeyInfo, KeyStatus
from zgpu.platform.keys.secret import KEY_PREFIX
from zgpu.platform.keys.service import create_key, get_key, list_keys, revoke_key

__all__ = [
    "KEY_PREFIX",
    "ApiKey",
    "AuthenticatedKey",
    "CreatedKey",
    "KeyAuthenticator",
    "KeyInfo",
    "KeyStatus",
    "create_key",
    "get_key",
    "list_keys",
    "revoke_key",
]

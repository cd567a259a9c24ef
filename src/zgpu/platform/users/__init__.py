"""Users: sign-up with an email and a password (argon2id), and credential checks."""

from zgpu.platform.users.models import User
from zgpu.platform.users.passwords import (
    COMMON_PASSWORDS,
    PasswordHashing,
    check_password_strength,
)
from zgpu.platform.users.service import (
    create_user,
    find_user_by_email,
    get_user,
    normalize_email,
    verify_credentials,
)

__all__ = [
    "COMMON_PASSWORDS",
    "PasswordHashing",
    "User",
    "check_password_strength",
    "create_user",
    "find_user_by_email",
    "get_user",
    "normalize_email",
    "verify_credentials",
]

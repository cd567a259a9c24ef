"""User operations. Callers pass a session and commit it (unit of work)."""

from __future__ import annotations

import re
import uuid

from sqlalchemy.orm import Session

from zgpu.platform.errors import Conflict, InvalidArgument, NotFound
from zgpu.platform.names import clean_name
from zgpu.platform.users.models import User
from zgpu.platform.users.passwords import PasswordHashing, check_password_strength
from zgpu.platform.users.repository import UserRepository
from zgpu.platform.users.schemas import EMAIL_MAX, USER_NAME_MAX

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def normalize_email(email: str) -> str:
    """``email`` trimmed and lower-cased; raises ``InvalidArgument`` (param ``email``) when it
    does not look like an address or is too long."""
    cleaned = email.strip().lower()
    if len(cleaned) > EMAIL_MAX or _EMAIL.fullmatch(cleaned) is None:
        raise InvalidArgument("email is not a valid email address", param="email")
    return cleaned


def create_user(
    session: Session, hashing: PasswordHashing, email: str, password: str, name: str
) -> User:
    """Create a user with a hashed password.

    Raises ``InvalidArgument`` naming ``email``, ``name`` or ``password`` (see
    ``check_password_strength``) and ``Conflict`` (param ``email``) when the email is taken.
    """
    address = normalize_email(email)
    cleaned = clean_name(name, param="name", max_length=USER_NAME_MAX)
    check_password_strength(password, address)
    users = UserRepository(session)
    if users.by_email(address) is not None:
        raise Conflict("an account with this email already exists", param="email")
    return users.add(User(email=address, name=cleaned, password_hash=hashing.hash(password)))


def verify_credentials(
    session: Session, hashing: PasswordHashing, email: str, password: str
) -> User | None:
    """The user with this email and password, or ``None``.

    Takes about as long for an unknown email as for a wrong password. Rehashes the stored hash
    when its parameters are outdated. Never raises for bad credentials.
    """
    try:
        address = normalize_email(email)
    except InvalidArgument:
        address = None
    users = UserRepository(session)
    user = users.by_email(address) if address is not None else None
    if not hashing.verify(user.password_hash if user else None, password) or user is None:
        return None
    if hashing.needs_rehash(user.password_hash):
        user.password_hash = hashing.hash(password)
        users.flush()
    return user


def get_user(session: Session, user_id: uuid.UUID) -> User:
    """The user with this id; raises ``NotFound`` when there is none."""
    user = UserRepository(session).get(user_id)
    if user is None:
        raise NotFound(f"user {user_id} not found", param="user_id")
    return user


def find_user_by_email(session: Session, email: str) -> User:
    """The user with this email; raises ``NotFound`` (param ``email``) when there is none and
    ``InvalidArgument`` when it is not an address."""
    user = UserRepository(session).by_email(normalize_email(email))
    if user is None:
        raise NotFound("no user has this email address", param="email")
    return user

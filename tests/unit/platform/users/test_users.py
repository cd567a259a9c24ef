"""Users: normalized unique emails, password rules, argon2id hashes, credential checks."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from zgpu.platform.db import Database
from zgpu.platform.errors import Conflict, InvalidArgument, NotFound
from zgpu.platform.users import (
    COMMON_PASSWORDS,
    PasswordHashing,
    check_password_strength,
    create_user,
    find_user_by_email,
    verify_credentials,
)

GOOD = "blue-Whale-orbit-9"


@pytest.fixture(scope="module")
def hashing() -> PasswordHashing:
    """argon2id at a test cost (the production parameters are argon2-cffi's defaults)."""
    return PasswordHashing(PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1))


@pytest.mark.parametrize(
    ("password", "fragment"),
    [
        ("short", "at least 10"),
        ("x" * 1025, "at most 1024"),
        ("Password123", "too common"),
        ("my-alice.w-pass", "email"),
    ],
)
def test_weak_passwords_name_the_password_field(password: str, fragment: str) -> None:
    with pytest.raises(InvalidArgument) as caught:
        check_password_strength(password, "alice.w@example.com")
    assert caught.value.param == "password"
    assert fragment in caught.value.message
    assert password not in caught.value.message


def test_every_common_password_is_long_enough_to_need_the_list() -> None:
    assert all(len(p) >= 10 for p in COMMON_PASSWORDS)
    check_password_strength(GOOD, "alice@example.com")


def test_create_and_verify(db: Database, hashing: PasswordHashing) -> None:
    with db.session() as session:
        user = create_user(session, hashing, "  Alice@Example.COM ", GOOD, " Alice ")
    assert (user.email, user.name) == ("alice@example.com", "Alice")
    assert user.password_hash.startswith("$argon2id$")
    assert GOOD not in user.password_hash
    with db.session() as session:
        assert verify_credentials(session, hashing, "ALICE@example.com", GOOD) is not None
        assert verify_credentials(session, hashing, "alice@example.com", GOOD + "x") is None
        assert verify_credentials(session, hashing, "nobody@example.com", GOOD) is None
        assert verify_credentials(session, hashing, "not an email", GOOD) is None
        assert find_user_by_email(session, "alice@EXAMPLE.com").id == user.id
        with pytest.raises(NotFound):
            find_user_by_email(session, "bob@example.com")


def test_emails_are_unique_ignoring_case(db: Database, hashing: PasswordHashing) -> None:
    with db.session() as session:
        create_user(session, hashing, "bob@example.com", GOOD, "Bob")
    with pytest.raises(Conflict) as caught, db.session() as session:
        create_user(session, hashing, "BOB@example.com", GOOD, "Bob")
    assert caught.value.param == "email"


def test_invalid_email_is_refused(db: Database, hashing: PasswordHashing) -> None:
    with pytest.raises(InvalidArgument) as caught, db.session() as session:
        create_user(session, hashing, "bob-at-example", GOOD, "Bob")
    assert caught.value.param == "email"


def test_outdated_hashes_are_upgraded_on_sign_in(db: Database, hashing: PasswordHashing) -> None:
    weak = PasswordHashing(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    with db.session() as session:
        user = create_user(session, weak, "carol@example.com", GOOD, "Carol")
    old_hash = user.password_hash
    with db.session() as session:
        signed_in = verify_credentials(session, hashing, "carol@example.com", GOOD)
        assert signed_in is not None
    assert signed_in.password_hash != old_hash
    with db.session() as session:
        assert verify_credentials(session, hashing, "carol@example.com", GOOD) is not None

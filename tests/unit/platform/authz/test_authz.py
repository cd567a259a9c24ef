"""The role table: data, one check function, and docs/roles.md generated from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from zgpu.platform.authz import (
    MEMBER_ROLES,
    ROLE_PERMISSIONS,
    Permission,
    Role,
    permission_table_markdown,
    require,
)
from zgpu.platform.errors import Forbidden

DOC = Path(__file__).parents[4] / "docs" / "roles.md"


def test_the_doc_table_is_the_code_table() -> None:
    text = DOC.read_text()
    documented = text.split("<!-- permissions:start -->")[1].split("<!-- permissions:end -->")[0]
    assert documented.strip() == permission_table_markdown()


def test_the_doc_names_only_real_permissions() -> None:
    block = DOC.read_text().split("<!-- endpoints:start -->")[1].split("<!-- endpoints:end -->")[0]
    needs = {line.strip("|").split("|")[3].strip() for line in block.strip().splitlines()[2:]}
    assert needs - {"any", "user"} <= {p.value for p in Permission}


def test_roles_are_nested() -> None:
    owner, admin, member, viewer = (ROLE_PERMISSIONS[r] for r in MEMBER_ROLES)
    assert viewer < member < admin < owner == frozenset(Permission)
    assert ROLE_PERMISSIONS[Role.ADMIN_KEY] < admin
    assert Permission.ADMIN_KEYS_MANAGE not in ROLE_PERMISSIONS[Role.ADMIN_KEY]


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("permission", list(Permission))
def test_require_follows_the_table(role: Role, permission: Permission) -> None:
    if permission in ROLE_PERMISSIONS[role]:
        require(role, permission)
    else:
        with pytest.raises(Forbidden) as caught:
            require(role, permission)
        assert caught.value.code == "permission_denied"
        assert role.value in caught.value.message
        assert permission.value in caught.value.message

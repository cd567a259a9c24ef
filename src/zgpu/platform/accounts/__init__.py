"""Accounts: organizations, created with their first owner."""

from zgpu.platform.accounts.models import Organization
from zgpu.platform.accounts.service import (
    create_organization,
    get_organization,
    list_organizations,
    list_user_organizations,
    rename_organization,
)

__all__ = [
    "Organization",
    "create_organization",
    "get_organization",
    "list_organizations",
    "list_user_organizations",
    "rename_organization",
]

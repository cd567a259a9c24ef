"""Accounts: organizations now; users and memberships join them later."""

from zgpu.platform.accounts.models import Organization
from zgpu.platform.accounts.service import (
    create_organization,
    get_organization,
    list_organizations,
)

__all__ = [
    "Organization",
    "create_organization",
    "get_organization",
    "list_organizations",
]

"""Wire shapes of the management API, after OpenAI's admin API where it has one.

Requests reject unknown fields (``extra="forbid"``): a typo in an automation script must fail
loudly, not be ignored. Objects carry an ``object`` tag (``"organization.project"`` ...), times
are Unix seconds, and lists are ``{"object": "list", "data", "first_id", "last_id",
"has_more"}``. No response model has a field for a password, and only the two ``Created…``
key models carry a secret (``value``), once.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from zgpu.platform.admin_keys import AdminKeyInfo, CreatedAdminKey
from zgpu.platform.authz import Role
from zgpu.platform.keys import CreatedKey, KeyInfo
from zgpu.platform.memberships import MemberInfo, OrganizationRole
from zgpu.platform.projects import EdgePolicy, Environment, Project

ItemT = TypeVar("ItemT", bound="Identified")


def unix(value: datetime | None) -> int | None:
    """``value`` as whole Unix seconds (``None`` stays ``None``)."""
    return int(value.timestamp()) if value is not None else None


def unix_now(value: datetime) -> int:
    """``value`` as whole Unix seconds."""
    return int(value.timestamp())


class Request(BaseModel):
    """Base of request bodies: unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")


class Identified(BaseModel):
    """Base of listed objects."""

    id: str


class ListPage(BaseModel, Generic[ItemT]):
    """One page of a list, newest or oldest first as the endpoint documents."""

    object: Literal["list"] = "list"
    data: list[ItemT]
    first_id: str | None
    last_id: str | None
    has_more: bool

    @classmethod
    def of(cls, items: Sequence[ItemT], limit: int, after: str | None) -> ListPage[ItemT]:
        """The page of ``items`` that follows the item whose id is ``after``."""
        start = 0
        if after:
            ids = [item.id for item in items]
            start = ids.index(after) + 1 if after in ids else len(items)
        page = list(items[start : start + limit])
        return cls(
            data=page,
            first_id=page[0].id if page else None,
            last_id=page[-1].id if page else None,
            has_more=start + limit < len(items),
        )


class Deleted(BaseModel):
    """The answer to a DELETE."""

    object: str
    id: str
    deleted: Literal[True] = True


# --- auth ---------------------------------------------------------------------------------


class SignupRequest(Request):
    """``POST /v1/auth/signup``."""

    email: str = Field(max_length=254)
    password: str = Field(max_length=1024)
    name: str = Field(max_length=200)
    organization_name: str | None = Field(default=None, max_length=200)


class LoginRequest(Request):
    """``POST /v1/auth/login``."""

    email: str = Field(max_length=254)
    password: str = Field(max_length=1024)


class UserObject(BaseModel):
    """A user."""

    object: Literal["user"] = "user"
    id: str
    email: str
    name: str
    created_at: int


class OrganizationObject(Identified):
    """An organization, with the caller's role in it."""

    object: Literal["organization"] = "organization"
    name: str
    role: Role
    created_at: int

    @classmethod
    def of(cls, org: OrganizationRole) -> OrganizationObject:
        """From the membership view of an organization."""
        return cls(
            id=str(org.organization_id),
            name=org.name,
            role=org.role,
            created_at=unix_now(org.created_at),
        )


class SessionObject(BaseModel):
    """The signed-in session: who, which organizations, and the CSRF token to send back."""

    object: Literal["auth.session"] = "auth.session"
    user: UserObject
    organizations: list[OrganizationObject]
    csrf_token: str
    expires_at: int


# --- organizations and members --------------------------------------------------------------


class CreateOrganizationRequest(Request):
    """``POST /v1/organizations``."""

    name: str = Field(max_length=200)


class UpdateOrganizationRequest(Request):
    """``PATCH /v1/organization``."""

    name: str = Field(max_length=200)


class AddMemberRequest(Request):
    """``POST /v1/organization/users``: an existing user, by email."""

    email: str = Field(max_length=254)
    role: Literal["owner", "admin", "member", "viewer"]


class UpdateMemberRequest(Request):
    """``PATCH /v1/organization/users/{user_id}``."""

    role: Literal["owner", "admin", "member", "viewer"]


class MemberObject(Identified):
    """A member of the organization (``id`` is the user id)."""

    object: Literal["organization.user"] = "organization.user"
    email: str
    name: str
    role: Role
    added_at: int

    @classmethod
    def of(cls, member: MemberInfo) -> MemberObject:
        """From the platform's member view."""
        return cls(
            id=str(member.user_id),
            email=member.email,
            name=member.name,
            role=member.role,
            added_at=unix_now(member.added_at),
        )


# --- projects ---------------------------------------------------------------------------------


class CreateProjectRequest(Request):
    """``POST /v1/organization/projects``."""

    name: str = Field(max_length=200)
    environment: Environment = Environment.DEVELOPMENT


class UpdateProjectRequest(Request):
    """``PATCH /v1/organization/projects/{project_id}``; omitted fields keep their value.

    ``edge_policy``: where the project's requests may run (``any`` edge node, only the
    organization's own nodes, or ``cloud_only``).
    """

    name: str | None = Field(default=None, max_length=200)
    environment: Environment | None = None
    edge_policy: EdgePolicy | None = None


class ProjectObject(Identified):
    """A project."""

    object: Literal["organization.project"] = "organization.project"
    organization_id: str
    name: str
    environment: Environment
    edge_policy: EdgePolicy
    status: Literal["active", "archived"]
    created_at: int
    archived_at: int | None

    @classmethod
    def of(cls, project: Project) -> ProjectObject:
        """From the storage model."""
        return cls(
            id=str(project.id),
            organization_id=str(project.organization_id),
            name=project.name,
            environment=Environment(project.environment),
            edge_policy=EdgePolicy(project.edge_policy),
            status="archived" if project.archived_at is not None else "active",
            created_at=unix_now(project.created_at),
            archived_at=unix(project.archived_at),
        )


# --- API keys ---------------------------------------------------------------------------------


class CreateApiKeyRequest(Request):
    """``POST /v1/organization/projects/{project_id}/api_keys``."""

    name: str = Field(default="API key", max_length=200)
    expires_at: int | None = Field(
        default=None, description="Unix seconds after which the key stops working."
    )


class ApiKeyObject(Identified):
    """An API key, redacted (``zgpu-api-ab12…9xyz``)."""

    object: Literal["organization.project.api_key"] = "organization.project.api_key"
    project_id: str
    name: str
    redacted_value: str
    status: Literal["active", "revoked", "expired"]
    created_at: int
    created_by: str | None
    last_used_at: int | None
    expires_at: int | None
    revoked_at: int | None

    @classmethod
    def of(cls, key: KeyInfo) -> ApiKeyObject:
        """From the platform's key view."""
        return cls(
            id=str(key.id),
            project_id=str(key.project_id),
            name=key.name,
            redacted_value=key.masked,
            status=key.status.value,
            created_at=unix_now(key.created_at),
            created_by=str(key.created_by) if key.created_by else None,
            last_used_at=unix(key.last_used_at),
            expires_at=unix(key.expires_at),
            revoked_at=unix(key.revoked_at),
        )


class CreatedApiKeyObject(ApiKeyObject):
    """A key just created: ``value`` is the secret, shown this once."""

    value: str

    @classmethod
    def created(cls, key: CreatedKey, created_by: uuid.UUID | None) -> CreatedApiKeyObject:
        """From the platform's created key."""
        return cls(
            id=str(key.id),
            project_id=str(key.project_id),
            name=key.name,
            redacted_value=key.masked,
            status="active",
            created_at=unix_now(key.created_at),
            created_by=str(created_by) if created_by else None,
            last_used_at=None,
            expires_at=unix(key.expires_at),
            revoked_at=None,
            value=key.secret,
        )


# --- admin keys -------------------------------------------------------------------------------


class CreateAdminKeyRequest(Request):
    """``POST /v1/organization/admin_api_keys``."""

    name: str = Field(default="Admin key", max_length=200)


class AdminKeyObject(Identified):
    """An admin key, redacted (``zgpu-admin-ab12…9xyz``)."""

    object: Literal["organization.admin_api_key"] = "organization.admin_api_key"
    name: str
    redacted_value: str
    status: Literal["active", "revoked"]
    created_at: int
    created_by: str | None
    last_used_at: int | None
    revoked_at: int | None

    @classmethod
    def of(cls, key: AdminKeyInfo) -> AdminKeyObject:
        """From the platform's admin key view."""
        return cls(
            id=str(key.id),
            name=key.name,
            redacted_value=key.masked,
            status="revoked" if key.revoked_at is not None else "active",
            created_at=unix_now(key.created_at),
            created_by=str(key.created_by) if key.created_by else None,
            last_used_at=unix(key.last_used_at),
            revoked_at=unix(key.revoked_at),
        )


class CreatedAdminKeyObject(AdminKeyObject):
    """An admin key just created: ``value`` is the secret, shown this once."""

    value: str

    @classmethod
    def created(cls, key: CreatedAdminKey) -> CreatedAdminKeyObject:
        """From the platform's created admin key."""
        return cls(
            id=str(key.id),
            name=key.name,
            redacted_value=key.masked,
            status="active",
            created_at=unix_now(key.created_at),
            created_by=str(key.created_by) if key.created_by else None,
            last_used_at=None,
            revoked_at=None,
            value=key.secret,
        )

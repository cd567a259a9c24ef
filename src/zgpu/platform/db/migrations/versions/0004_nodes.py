"""Edge nodes: enrollment tokens, node records, project edge policies.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "node_enrollment_tokens",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("prefix", sa.String(length=32), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("node_id", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_node_enrollment_tokens_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_node_enrollment_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_node_enrollment_tokens_token_hash")),
    )
    op.create_index(
        op.f("ix_node_enrollment_tokens_organization_id_created_at"),
        "node_enrollment_tokens",
        ["organization_id", "created_at"],
    )
    op.create_table(
        "nodes",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("credential_hash", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reputation", sa.Double(), nullable=False),
        sa.Column("quarantine_reason", sa.String(length=500), nullable=True),
        sa.Column("checks", sa.Integer(), nullable=False),
        sa.Column("disagreements", sa.Integer(), nullable=False),
        sa.Column("lat", sa.Double(), nullable=True),
        sa.Column("lon", sa.Double(), nullable=True),
        sa.Column("region", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('active', 'revoked', 'quarantined')", name=op.f("ck_nodes_status")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_nodes_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nodes")),
        sa.UniqueConstraint("credential_hash", name=op.f("uq_nodes_credential_hash")),
    )
    op.create_index(
        op.f("ix_nodes_organization_id_created_at"), "nodes", ["organization_id", "created_at"]
    )
    op.create_table(
        "project_edge_policies",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("policy", sa.String(length=24), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "policy IN ('any', 'own_organization', 'cloud_only')",
            name=op.f("ck_project_edge_policies_policy"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_project_edge_policies_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("project_id", name=op.f("pk_project_edge_policies")),
    )


def downgrade() -> None:
    op.drop_table("project_edge_policies")
    op.drop_index(op.f("ix_nodes_organization_id_created_at"), table_name="nodes")
    op.drop_table("nodes")
    op.drop_index(
        op.f("ix_node_enrollment_tokens_organization_id_created_at"),
        table_name="node_enrollment_tokens",
    )
    op.drop_table("node_enrollment_tokens")

"""Each project's edge policy as a column of ``projects`` (default ``any``); the policies kept
in ``project_edge_policies`` move there and that table is dropped.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CHECK = "edge_policy IN ('any', 'own_organization', 'cloud_only')"
_CHECK_NAME = "ck_projects_edge_policy"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds a column with its CHECK in place; a batch copy of ``projects`` would
        # rebuild the table every other one refers to.
        op.execute(
            "ALTER TABLE projects ADD COLUMN edge_policy VARCHAR(24) DEFAULT 'any' NOT NULL "
            f"CONSTRAINT {_CHECK_NAME} CHECK ({_CHECK})"
        )
    else:
        op.add_column(
            "projects",
            sa.Column("edge_policy", sa.String(length=24), server_default="any", nullable=False),
        )
        op.create_check_constraint(_CHECK_NAME, "projects", _CHECK)
    op.execute(
        "UPDATE projects SET edge_policy = (SELECT p.policy FROM project_edge_policies p "
        "WHERE p.project_id = projects.id) "
        "WHERE id IN (SELECT project_id FROM project_edge_policies)"
    )
    op.drop_table("project_edge_policies")


def downgrade() -> None:
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
    op.execute(
        "INSERT INTO project_edge_policies (project_id, policy, updated_at) "
        "SELECT id, edge_policy, CURRENT_TIMESTAMP FROM projects WHERE edge_policy <> 'any'"
    )
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE projects DROP COLUMN edge_policy")
    else:
        op.drop_constraint(_CHECK_NAME, "projects", type_="check")
        op.drop_column("projects", "edge_policy")

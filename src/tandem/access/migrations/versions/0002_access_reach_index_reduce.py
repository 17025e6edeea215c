"""access: (entitlement, account) index on grants, so "who can reach X" reads holders from the index alone;
the target entitlement a "reduce" decision keeps instead, on review items and remediation tasks

Revision ID: 0002_access_reach_index_reduce
Revises: 0001_access
Create Date: 2026-11-27 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_access_reach_index_reduce"
down_revision: str | Sequence[str] | None = "0001_access"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("access_assignments", schema=None) as batch_op:
        # The new index starts with entitlement_id, so the single-column one is redundant.
        batch_op.drop_index("ix_access_assignments_entitlement_id")
        batch_op.create_index("ix_access_assignments_entitlement_account", ["entitlement_id", "account_id"])
    for table in ("access_review_items", "access_remediation_tasks"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("target_entitlement_id", sa.Uuid(), nullable=True))


def downgrade() -> None:
    for table in ("access_remediation_tasks", "access_review_items"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("target_entitlement_id")
    with op.batch_alter_table("access_assignments", schema=None) as batch_op:
        batch_op.drop_index("ix_access_assignments_entitlement_account")
        batch_op.create_index("ix_access_assignments_entitlement_id", ["entitlement_id"])

"""inventory: applications get the list-order indexes assets have, (created_at, id) overall and per org unit

Revision ID: 0004_inventory_app_list_indexes
Revises: 0003_inventory_declared_services
Create Date: 2026-11-28 06:20:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004_inventory_app_list_indexes"
down_revision: str | Sequence[str] | None = "0003_inventory_declared_services"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("inventory_applications", schema=None) as batch_op:
        batch_op.create_index("ix_inventory_applications_created_at_id", ["created_at", "id"])
        batch_op.create_index("ix_inventory_applications_unit_created_at_id", ["org_unit_id", "created_at", "id"])


def downgrade() -> None:
    with op.batch_alter_table("inventory_applications", schema=None) as batch_op:
        batch_op.drop_index("ix_inventory_applications_unit_created_at_id")
        batch_op.drop_index("ix_inventory_applications_created_at_id")

"""inventory: indexes for asset lists at 100k+ rows (unit/filter + sort order, trigram search, env/crit statistics)

Revision ID: 0002_inventory_list_indexes
Revises: 0001_inventory
Create Date: 2026-11-27 08:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002_inventory_list_indexes"
down_revision: str | Sequence[str] | None = "0001_inventory"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATS = "inventory_assets_env_crit_stats"
TRGM = {"hostname": "gin_trgm_ops", "os_name": "gin_trgm_ops", "location": "gin_trgm_ops"}


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    with op.batch_alter_table("inventory_assets", schema=None) as batch_op:
        batch_op.drop_index("ix_inventory_assets_environment")
        batch_op.create_index("ix_inventory_assets_unit_created_at_id", ["org_unit_id", "created_at", "id"])
        batch_op.create_index(
            "ix_inventory_assets_env_crit_created_at_id", ["environment", "criticality", "created_at", "id"]
        )
        batch_op.create_index(
            "ix_inventory_assets_search",
            ["hostname", "os_name", "location"],
            postgresql_using="gin",
            postgresql_ops=TRGM,
        )
    if op.get_bind().dialect.name == "postgresql":
        # environment and criticality are correlated; without a joint MCV list the planner multiplies their
        # frequencies, expects thousands of hits for a pair that has none and walks the whole created_at index.
        op.execute(f"CREATE STATISTICS IF NOT EXISTS {STATS} (mcv) ON environment, criticality FROM inventory_assets")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP STATISTICS IF EXISTS {STATS}")
    with op.batch_alter_table("inventory_assets", schema=None) as batch_op:
        batch_op.drop_index("ix_inventory_assets_search")
        batch_op.drop_index("ix_inventory_assets_env_crit_created_at_id")
        batch_op.drop_index("ix_inventory_assets_unit_created_at_id")
        batch_op.create_index("ix_inventory_assets_environment", ["environment"])
    # pg_trgm stays: other schemas may use it, and dropping an extension is not this revision's call.

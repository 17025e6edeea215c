"""reporting: daily metric snapshots behind the home trends

Revision ID: 0004_reporting_metrics
Revises: 0003_reporting_watch
Create Date: 2026-11-27 14:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tandem.platform.db.types

revision: str = "0004_reporting_metrics"
down_revision: str | Sequence[str] | None = "0003_reporting_watch"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reporting_metric_snapshots",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", tandem.platform.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", tandem.platform.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("org_unit_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_unit_id"], ["org_units.id"], name=op.f("fk_reporting_metric_snapshots_org_unit_id_org_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reporting_metric_snapshots")),
        sa.UniqueConstraint("org_unit_id", "name", "day", name="uq_reporting_metric_snapshots_unit_name_day"),
    )
    with op.batch_alter_table("reporting_metric_snapshots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reporting_metric_snapshots_org_unit_id"), ["org_unit_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("reporting_metric_snapshots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reporting_metric_snapshots_org_unit_id"))
    op.drop_table("reporting_metric_snapshots")

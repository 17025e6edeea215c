"""strategy: TIME fit assessments (business fit and technical fit per application)

Revision ID: 0002_strategy_fit_assessments
Revises: 0001_strategy
Create Date: 2026-11-27 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tandem.platform.db.types

revision: str = "0002_strategy_fit_assessments"
down_revision: str | Sequence[str] | None = "0001_strategy"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "strategy_fit_assessments",
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("business_fit", sa.Float(), nullable=False),
        sa.Column("technical_fit", sa.Float(), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("assessed_by", sa.String(length=200), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", tandem.platform.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", tandem.platform.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["inventory_applications.id"],
            name=op.f("fk_strategy_fit_assessments_application_id_inventory_applications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_strategy_fit_assessments")),
        sa.UniqueConstraint("application_id", name=op.f("uq_strategy_fit_assessments_application_id")),
    )


def downgrade() -> None:
    op.drop_table("strategy_fit_assessments")

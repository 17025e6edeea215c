"""reporting: board packs (versions of a quarter's pack with sections and the data snapshot)

Revision ID: 0002_reporting_board
Revises: 0001_reporting
Create Date: 2026-11-27 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import tandem.platform.db.types

revision: str = "0002_reporting_board"
down_revision: str | Sequence[str] | None = "0001_reporting"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "reporting_board_packs",
        sa.Column("quarter", sa.String(length=8), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("sections", JSON, nullable=False),
        sa.Column("snapshot", JSON, nullable=False),
        sa.Column("snapshot_sha256", sa.String(length=64), nullable=False),
        sa.Column("generated_at", tandem.platform.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("generated_by", sa.String(length=200), nullable=False),
        sa.Column("published_at", tandem.platform.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("published_by", sa.String(length=200), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", tandem.platform.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", tandem.platform.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("org_unit_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_unit_id"], ["org_units.id"], name=op.f("fk_reporting_board_packs_org_unit_id_org_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reporting_board_packs")),
        sa.UniqueConstraint("org_unit_id", "quarter", "version", name="uq_reporting_board_packs_quarter_version"),
    )
    with op.batch_alter_table("reporting_board_packs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reporting_board_packs_org_unit_id"), ["org_unit_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_reporting_board_packs_quarter"), ["quarter"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("reporting_board_packs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reporting_board_packs_quarter"))
        batch_op.drop_index(batch_op.f("ix_reporting_board_packs_org_unit_id"))
    op.drop_table("reporting_board_packs")

"""platform: secret links to public pages (vendor questionnaires, training quizzes)

Revision ID: 0002_platform_access_links
Revises: 0001_platform
Create Date: 2026-11-27 10:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tandem.platform.db.types

revision: str = "0002_platform_access_links"
down_revision: str | Sequence[str] | None = "0001_platform"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "access_links",
        sa.Column("purpose", sa.String(length=60), nullable=False),
        sa.Column("subject_id", sa.Uuid(), nullable=False),
        sa.Column("org_unit_id", sa.Uuid(), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", tandem.platform.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", tandem.platform.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", tandem.platform.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", tandem.platform.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("use_count", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["org_unit_id"], ["org_units.id"], name=op.f("fk_access_links_org_unit_id_org_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_links")),
        sa.UniqueConstraint("prefix", name=op.f("uq_access_links_prefix")),
    )
    with op.batch_alter_table("access_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_access_links_subject_id"), ["subject_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("access_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_access_links_subject_id"))
    op.drop_table("access_links")

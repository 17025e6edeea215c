"""compliance: imported OSCAL catalogs keep their uuid, file name and document (profile resolution)

Revision ID: 0003_compliance_catalog_docs
Revises: 0002_compliance_control_tests
Create Date: 2026-11-27 15:15:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_compliance_catalog_docs"
down_revision: str | Sequence[str] | None = "0002_compliance_control_tests"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN (nullable) works on SQLite and PostgreSQL without rebuilding a referenced table.
    op.add_column("compliance_frameworks", sa.Column("oscal_uuid", sa.String(length=36), nullable=True))
    op.add_column("compliance_frameworks", sa.Column("source_file", sa.String(length=300), nullable=True))
    op.add_column("compliance_frameworks", sa.Column("document", sa.LargeBinary(), nullable=True))
    op.create_index("ix_compliance_frameworks_oscal_uuid", "compliance_frameworks", ["oscal_uuid"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_compliance_frameworks_oscal_uuid", table_name="compliance_frameworks")
    with op.batch_alter_table("compliance_frameworks") as batch:
        batch.drop_column("document")
        batch.drop_column("source_file")
        batch.drop_column("oscal_uuid")

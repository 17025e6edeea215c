"""training: the uploaded document of a document course (name, type, size, digest in the file store)

Revision ID: 0002_training_course_documents
Revises: 0001_training
Create Date: 2026-11-27 13:55:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_training_course_documents"
down_revision: str | Sequence[str] | None = "0001_training"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("training_courses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("document_name", sa.String(length=255), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("document_media_type", sa.String(length=100), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("document_size", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("document_sha256", sa.String(length=64), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("training_courses", schema=None) as batch_op:
        batch_op.drop_column("document_sha256")
        batch_op.drop_column("document_size")
        batch_op.drop_column("document_media_type")
        batch_op.drop_column("document_name")

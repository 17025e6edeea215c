"""vulnerabilities: NVD API sync state (resumable cursor, last completed window, last error)

Revision ID: 0003_vulnerabilities_nvd_sync
Revises: 0002_vulnerabilities_versions
Create Date: 2026-11-27 22:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tandem.platform.db.types import UTCDateTime

revision: str = "0003_vulnerabilities_nvd_sync"
down_revision: str | Sequence[str] | None = "0002_vulnerabilities_versions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "vulnerabilities_nvd_sync",
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("mode", sa.String(length=20), nullable=False),
        sa.Column("span_start", TS, nullable=True),
        sa.Column("span_end", TS, nullable=True),
        sa.Column("window_start", TS, nullable=True),
        sa.Column("window_end", TS, nullable=True),
        sa.Column("next_index", sa.Integer(), nullable=False),
        sa.Column("total_results", sa.Integer(), nullable=True),
        sa.Column("run_started_at", TS, nullable=True),
        sa.Column("run_pages", sa.Integer(), nullable=False),
        sa.Column("run_records", sa.Integer(), nullable=False),
        sa.Column("run_changed", sa.Integer(), nullable=False),
        sa.Column("last_span_start", TS, nullable=True),
        sa.Column("synced_to", TS, nullable=True),
        sa.Column("last_finished_at", TS, nullable=True),
        sa.Column("last_records", sa.Integer(), nullable=False),
        sa.Column("last_changed", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("last_error_at", TS, nullable=True),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("source", name=op.f("pk_vulnerabilities_nvd_sync")),
    )


def downgrade() -> None:
    op.drop_table("vulnerabilities_nvd_sync")

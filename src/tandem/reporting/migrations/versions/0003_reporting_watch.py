"""reporting watch: feed items with matches and triage, and the last import of each source

Revision ID: 0003_reporting_watch
Revises: 0002_reporting_board
Create Date: 2026-11-27 14:00:00
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import tandem.platform.db.types

revision: str = "0003_reporting_watch"
down_revision: str | Sequence[str] | None = "0002_reporting_board"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql")


def _stamps() -> list[sa.Column[Any]]:
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", tandem.platform.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", tandem.platform.db.types.UTCDateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "reporting_watch_items",
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("external_id", sa.String(length=300), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("url", sa.String(length=1000), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("published", sa.String(length=40), nullable=False),
        sa.Column("cves", _json(), nullable=False),
        sa.Column("products", _json(), nullable=False),
        sa.Column("cvss", sa.Float(), nullable=True),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("details", _json(), nullable=False),
        sa.Column("matched", sa.Boolean(), nullable=False),
        sa.Column("matches", _json(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=True),
        sa.Column("task", sa.Text(), nullable=False),
        sa.Column("task_due", sa.Date(), nullable=True),
        sa.Column("task_done", sa.Boolean(), nullable=False),
        sa.Column("risk_scenario_id", sa.Uuid(), nullable=True),
        sa.Column("framework_id", sa.Uuid(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("triaged_by", sa.String(length=200), nullable=False),
        sa.Column("triaged_at", tandem.platform.db.types.UTCDateTime(timezone=True), nullable=True),
        *_stamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reporting_watch_items")),
        sa.UniqueConstraint("source", "external_id", name="uq_reporting_watch_items_source_external_id"),
    )
    with op.batch_alter_table("reporting_watch_items", schema=None) as batch_op:
        batch_op.create_index("ix_reporting_watch_items_status_matched", ["status", "matched"], unique=False)
        batch_op.create_index("ix_reporting_watch_items_published", ["published"], unique=False)

    op.create_table(
        "reporting_watch_sources",
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("last_version", sa.String(length=100), nullable=False),
        sa.Column("last_imported_at", tandem.platform.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_origin", sa.String(length=1000), nullable=False),
        sa.Column("last_new", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        *_stamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reporting_watch_sources")),
        sa.UniqueConstraint("source", name=op.f("uq_reporting_watch_sources_source")),
    )


def downgrade() -> None:
    op.drop_table("reporting_watch_sources")
    with op.batch_alter_table("reporting_watch_items", schema=None) as batch_op:
        batch_op.drop_index("ix_reporting_watch_items_published")
        batch_op.drop_index("ix_reporting_watch_items_status_matched")
    op.drop_table("reporting_watch_items")

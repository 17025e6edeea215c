"""monitoring: audit checklists, scheduled network audits and their per-item results

Revision ID: 0003_monitoring_checklists
Revises: 0002_monitoring_issues
Create Date: 2026-11-27 21:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql.schema import SchemaItem

from tandem.platform.db.types import UTCDateTime

revision: str = "0003_monitoring_checklists"
down_revision: str | Sequence[str] | None = "0002_monitoring_issues"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql")
TS = UTCDateTime(timezone=True)


def _common(table: str, stamps: bool = True) -> list[SchemaItem]:
    cols: list[SchemaItem] = [sa.Column("id", sa.Uuid(), nullable=False)]
    if stamps:
        cols += [sa.Column("created_at", TS, nullable=False), sa.Column("updated_at", TS, nullable=False)]
    return [*cols, sa.Column("org_unit_id", sa.Uuid(), nullable=False),
            sa.ForeignKeyConstraint(["org_unit_id"], ["org_units.id"], name=op.f(f"fk_{table}_org_unit_id_org_units")),
            sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}"))]  # fmt: skip


def upgrade() -> None:
    op.create_table(
        "monitoring_checklists",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("items", JSON, nullable=False),
        *_common("monitoring_checklists"),
        sa.UniqueConstraint("org_unit_id", "name", name="uq_monitoring_checklists_unit_name"),
    )
    op.create_index(op.f("ix_monitoring_checklists_org_unit_id"), "monitoring_checklists", ["org_unit_id"])
    op.create_table(
        "monitoring_audits",
        sa.Column("checklist_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("asset_ids", JSON, nullable=False),
        sa.Column("assignee_id", sa.Uuid(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        *_common("monitoring_audits"),
        sa.ForeignKeyConstraint(["checklist_id"], ["monitoring_checklists.id"],
                                name=op.f("fk_monitoring_audits_checklist_id_monitoring_checklists")),
        sa.ForeignKeyConstraint(["assignee_id"], ["users.id"], name=op.f("fk_monitoring_audits_assignee_id_users")),
    )  # fmt: skip
    for column in ("checklist_id", "org_unit_id", "status"):
        op.create_index(op.f(f"ix_monitoring_audits_{column}"), "monitoring_audits", [column])
    op.create_table(
        "monitoring_audit_results",
        sa.Column("audit_id", sa.Uuid(), nullable=False),
        sa.Column("item_key", sa.String(length=100), nullable=False),
        sa.Column("result", sa.String(length=10), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("evidence_id", sa.Uuid(), nullable=True),
        sa.Column("evidence_link", sa.String(length=1000), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", TS, nullable=False),
        *_common("monitoring_audit_results", stamps=False),
        sa.ForeignKeyConstraint(["audit_id"], ["monitoring_audits.id"],
                                name=op.f("fk_monitoring_audit_results_audit_id_monitoring_audits"), ondelete="CASCADE"),
        sa.UniqueConstraint("audit_id", "item_key", name="uq_monitoring_audit_results_audit_item"),
    )  # fmt: skip
    for column in ("audit_id", "org_unit_id"):
        op.create_index(op.f(f"ix_monitoring_audit_results_{column}"), "monitoring_audit_results", [column])


def downgrade() -> None:
    for column in ("org_unit_id", "audit_id"):
        op.drop_index(op.f(f"ix_monitoring_audit_results_{column}"), table_name="monitoring_audit_results")
    op.drop_table("monitoring_audit_results")
    for column in ("status", "org_unit_id", "checklist_id"):
        op.drop_index(op.f(f"ix_monitoring_audits_{column}"), table_name="monitoring_audits")
    op.drop_table("monitoring_audits")
    op.drop_index(op.f("ix_monitoring_checklists_org_unit_id"), table_name="monitoring_checklists")
    op.drop_table("monitoring_checklists")

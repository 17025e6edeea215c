"""incidents: review follow-ups linked to the risk treatments they became; evidence files

Revision ID: 0002_incidents_followups
Revises: 0001_incidents
Create Date: 2026-11-27 13:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tandem.platform.db.types

revision: str = "0002_incidents_followups"
down_revision: str | Sequence[str] | None = "0001_incidents"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _stamps() -> list[sa.Column]:
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", tandem.platform.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", tandem.platform.db.types.UTCDateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "incidents_risk_links",
        sa.Column("incident_id", sa.Uuid(), nullable=False),
        sa.Column("task_id", sa.Uuid(), nullable=True),
        sa.Column("scenario_id", sa.Uuid(), nullable=False),
        sa.Column("treatment_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("scenario_title", sa.String(length=300), nullable=False),
        sa.Column("new_scenario", sa.Boolean(), nullable=False),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents_incidents.id"],
            name=op.f("fk_incidents_risk_links_incident_id_incidents_incidents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["incidents_tasks.id"],
            name=op.f("fk_incidents_risk_links_task_id_incidents_tasks"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incidents_risk_links")),
    )
    with op.batch_alter_table("incidents_risk_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_incidents_risk_links_incident_id"), ["incident_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_incidents_risk_links_treatment_id"), ["treatment_id"], unique=False)

    op.create_table(
        "incidents_evidence_files",
        sa.Column("incident_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("media_type", sa.String(length=120), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by", sa.String(length=200), nullable=False),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents_incidents.id"],
            name=op.f("fk_incidents_evidence_files_incident_id_incidents_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incidents_evidence_files")),
    )
    with op.batch_alter_table("incidents_evidence_files", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_incidents_evidence_files_incident_id"), ["incident_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("incidents_evidence_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incidents_evidence_files_incident_id"))
    op.drop_table("incidents_evidence_files")
    with op.batch_alter_table("incidents_risk_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incidents_risk_links_treatment_id"))
        batch_op.drop_index(batch_op.f("ix_incidents_risk_links_incident_id"))
    op.drop_table("incidents_risk_links")

"""compliance: automated control tests and their dated results (continuous control monitoring)

Revision ID: 0002_compliance_control_tests
Revises: 0001_compliance
Create Date: 2026-11-27 13:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import tandem.platform.db.types

revision: str = "0002_compliance_control_tests"
down_revision: str | Sequence[str] | None = "0001_compliance"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql")
STAMP = tandem.platform.db.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "compliance_control_tests",
        sa.Column("control_id", sa.Uuid(), nullable=False),
        sa.Column("check_name", sa.String(length=100), nullable=False),
        sa.Column("params", JSON, nullable=False),
        sa.Column("cadence", sa.String(length=16), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("scope_unit_id", sa.Uuid(), nullable=True),
        sa.Column("last_status", sa.String(length=16), nullable=False),
        sa.Column("last_run_at", STAMP, nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", STAMP, nullable=False),
        sa.Column("updated_at", STAMP, nullable=False),
        sa.Column("org_unit_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["control_id"],
            ["compliance_controls.id"],
            name=op.f("fk_compliance_control_tests_control_id_compliance_controls"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_unit_id"], ["org_units.id"], name=op.f("fk_compliance_control_tests_org_unit_id_org_units")
        ),
        sa.ForeignKeyConstraint(
            ["scope_unit_id"], ["org_units.id"], name=op.f("fk_compliance_control_tests_scope_unit_id_org_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_compliance_control_tests")),
    )
    with op.batch_alter_table("compliance_control_tests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_compliance_control_tests_control_id"), ["control_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_compliance_control_tests_org_unit_id"), ["org_unit_id"], unique=False)

    op.create_table(
        "compliance_control_test_results",
        sa.Column("test_id", sa.Uuid(), nullable=False),
        sa.Column("control_id", sa.Uuid(), nullable=False),
        sa.Column("check_name", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("examined", sa.Integer(), nullable=False),
        sa.Column("failing", sa.Integer(), nullable=False),
        sa.Column("measured", sa.Float(), nullable=True),
        sa.Column("params", JSON, nullable=False),
        sa.Column("snapshot", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("trigger", sa.String(length=16), nullable=False),
        sa.Column("ran_at", STAMP, nullable=False),
        sa.Column("evidence_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", STAMP, nullable=False),
        sa.Column("updated_at", STAMP, nullable=False),
        sa.Column("org_unit_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["control_id"],
            ["compliance_controls.id"],
            name=op.f("fk_compliance_control_test_results_control_id_compliance_controls"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["evidence_id"],
            ["compliance_evidence.id"],
            name=op.f("fk_compliance_control_test_results_evidence_id_compliance_evidence"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["org_unit_id"], ["org_units.id"], name=op.f("fk_compliance_control_test_results_org_unit_id_org_units")
        ),
        sa.ForeignKeyConstraint(
            ["test_id"],
            ["compliance_control_tests.id"],
            name=op.f("fk_compliance_control_test_results_test_id_compliance_control_tests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_compliance_control_test_results")),
    )
    with op.batch_alter_table("compliance_control_test_results", schema=None) as batch_op:
        for column in ("control_id", "evidence_id", "org_unit_id", "test_id"):
            batch_op.create_index(batch_op.f(f"ix_compliance_control_test_results_{column}"), [column], unique=False)
        batch_op.create_index("ix_compliance_control_test_results_test_ran", ["test_id", "ran_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("compliance_control_test_results", schema=None) as batch_op:
        batch_op.drop_index("ix_compliance_control_test_results_test_ran")
        for column in ("test_id", "org_unit_id", "evidence_id", "control_id"):
            batch_op.drop_index(batch_op.f(f"ix_compliance_control_test_results_{column}"))
    op.drop_table("compliance_control_test_results")
    with op.batch_alter_table("compliance_control_tests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_compliance_control_tests_org_unit_id"))
        batch_op.drop_index(batch_op.f("ix_compliance_control_tests_control_id"))
    op.drop_table("compliance_control_tests")

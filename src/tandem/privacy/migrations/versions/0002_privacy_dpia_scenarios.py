"""privacy: a DPIA's risks link to risk scenarios by id (validated through the platform reference registry)

Revision ID: 0002_privacy_dpia_scenarios
Revises: 0001_privacy
Create Date: 2026-11-27 15:05:00.000000
"""

import json
import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

revision: str = "0002_privacy_dpia_scenarios"
down_revision: str | Sequence[str] | None = "0001_privacy"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql")


def _is_uuid(value: object) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def upgrade() -> None:
    with op.batch_alter_table("privacy_dpias", schema=None) as batch_op:
        batch_op.add_column(sa.Column("risk_scenario_ids", JSON, nullable=False, server_default=sa.text("'[]'")))
    with op.batch_alter_table("privacy_dpias", schema=None) as batch_op:
        batch_op.alter_column("risk_scenario_ids", server_default=None)
    # References typed in as scenario ids become links; everything else stays free text.
    dpias = sa.table("privacy_dpias", sa.column("id", sa.Uuid()), sa.column("risk_refs", JSON),
                     sa.column("risk_scenario_ids", JSON))  # fmt: skip
    bind = op.get_bind()
    for row in bind.execute(sa.select(dpias.c.id, dpias.c.risk_refs)).all():
        refs = row.risk_refs if isinstance(row.risk_refs, list) else json.loads(row.risk_refs or "[]")
        ids = [str(uuid.UUID(str(r))) for r in refs if _is_uuid(r)]
        if ids:
            rest = [r for r in refs if not _is_uuid(r)]
            bind.execute(dpias.update().where(dpias.c.id == row.id).values(risk_refs=rest, risk_scenario_ids=ids))


def downgrade() -> None:
    with op.batch_alter_table("privacy_dpias", schema=None) as batch_op:
        batch_op.drop_column("risk_scenario_ids")

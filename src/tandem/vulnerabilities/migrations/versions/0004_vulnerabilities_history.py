"""vulnerabilities: feed history (EPSS over time, KEV additions and changes)

Revision ID: 0004_vulnerabilities_history
Revises: 0003_vulnerabilities_nvd_sync
Create Date: 2026-11-27 22:50:00

Upgrade starts every stored CVE's history from what is stored now: one EPSS point per scored CVE (its score date)
and one KEV addition per catalogue entry (dated by CISA's date added). Downgrade drops the history.
"""

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

from tandem.platform.db.types import UTCDateTime

revision: str = "0004_vulnerabilities_history"
down_revision: str | Sequence[str] | None = "0003_vulnerabilities_nvd_sync"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql")
KEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
BATCH = 5000


def upgrade() -> None:
    history = op.create_table(
        "vulnerabilities_feed_history",
        sa.Column("id", KEY, autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("cve_id", sa.String(40), nullable=False),
        sa.Column("observed_on", sa.String(10), nullable=False),
        sa.Column("data", JSON, nullable=False),
        sa.Column("recorded_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vulnerabilities_feed_history")),
    )
    op.create_index("ix_vulnerabilities_feed_history_cve", "vulnerabilities_feed_history",
                    ["cve_id", "kind", "observed_on"])  # fmt: skip
    with op.batch_alter_table("vulnerabilities_epss") as batch:
        batch.add_column(sa.Column("history_score", sa.Float(), nullable=True))
    _start_history(history)


def _start_history(history: sa.Table) -> None:
    bind = op.get_bind()
    now = dt.datetime.now(dt.UTC)
    epss = bind.execute(sa.text(
        "SELECT cve_id, score, percentile, score_date, model_version FROM vulnerabilities_epss")).all()  # fmt: skip
    kev = bind.execute(sa.text("SELECT cve_id, date_added, due_date, ransomware FROM vulnerabilities_kev")).all()
    rows = [{"kind": "epss", "cve_id": r[0], "observed_on": _day(r[3], now),
             "data": {"score": r[1], "percentile": r[2], "model_version": r[4]}, "recorded_at": now}
            for r in epss]  # fmt: skip
    rows += [{"kind": "kev", "cve_id": r[0], "observed_on": _day(r[1], now),
              "data": {"event": "added", "date_added": r[1], "due_date": r[2], "ransomware": bool(r[3])},
              "recorded_at": now}
             for r in kev]  # fmt: skip
    for start in range(0, len(rows), BATCH):
        op.bulk_insert(history, rows[start : start + BATCH])
    op.execute("UPDATE vulnerabilities_epss SET history_score = score")


def _day(raw: str | None, now: dt.datetime) -> str:
    try:
        return dt.date.fromisoformat((raw or "")[:10]).isoformat()
    except ValueError:
        return now.date().isoformat()


def downgrade() -> None:
    with op.batch_alter_table("vulnerabilities_epss") as batch:
        batch.drop_column("history_score")
    op.drop_index("ix_vulnerabilities_feed_history_cve", table_name="vulnerabilities_feed_history")
    op.drop_table("vulnerabilities_feed_history")

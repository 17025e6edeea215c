"""monitoring: lasting network findings (issues) with a lifecycle, keyed by (asset or host, rule or CVE, port)

Revision ID: 0002_monitoring_issues
Revises: 0001_monitoring
Create Date: 2026-11-27 21:00:00

Upgrade builds one issue per stable key from the existing per-scan findings (which stay, as the evidence of each
scan, linked to their issue): first and last sighting, occurrences, the latest evidence. An issue is fixed when a
later scan of the target that last reported it no longer did; open otherwise. Downgrade drops the issues and the
link (triage decisions are lost; the per-scan findings remain).
"""

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

from tandem.platform.db.types import UTCDateTime

revision: str = "0002_monitoring_issues"
down_revision: str | Sequence[str] | None = "0001_monitoring"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql")
TS = UTCDateTime(timezone=True)
SEVERITIES = ("critical", "high", "medium", "low", "info")
meta = sa.MetaData()
scans = sa.Table(
    "monitoring_scans", meta, sa.Column("id", sa.Uuid()), sa.Column("org_unit_id", sa.Uuid()),
    sa.Column("name", sa.String(200)), sa.Column("kind", sa.String(20)), sa.Column("target", sa.String(300)),
    sa.Column("scanned_at", TS), sa.Column("created_at", TS),
)  # fmt: skip
findings = sa.Table(
    "monitoring_findings", meta, sa.Column("id", sa.Uuid()), sa.Column("scan_id", sa.Uuid()),
    sa.Column("rule", sa.String(100)), sa.Column("severity", sa.String(20)), sa.Column("host", sa.String(255)),
    sa.Column("protocol", sa.String(10)), sa.Column("port", sa.Integer()), sa.Column("detail", Text()),
    sa.Column("asset_id", sa.Uuid()), sa.Column("cves", JSON), sa.Column("issue_id", sa.Uuid()),
)  # fmt: skip


def _key(asset_id: Any, host: str, rule: str, cves: Iterable[str], protocol: str | None, port: int | None) -> str:
    """The stable key as monitoring.issues.issue_key built it at this revision (frozen here on purpose)."""
    subject = f"asset:{asset_id}" if asset_id else f"host:{host.strip().lower()}"
    ids = sorted({c.strip().upper() for c in cves if c.strip()})
    check = f"{rule}:{','.join(ids)}" if ids and not rule.startswith("gvm:") else rule
    where = f"{(protocol or 'tcp').lower()}/{port}" if port is not None else "host"
    return f"{subject}|{check}|{where}"[:600]


def _issue_table() -> sa.Table:
    """The issue columns the data move writes, typed so UUIDs, times and JSON bind on both engines."""
    uuids = ("id", "org_unit_id", "asset_id", "last_scan_id")
    times = ("first_seen_at", "last_seen_at", "status_at", "accepted_until", "fixed_at", "created_at", "updated_at")
    texts = ("key", "source", "host", "rule", "protocol", "component", "severity", "detail", "status",
             "status_reason", "status_by")  # fmt: skip
    return sa.Table(
        "monitoring_issues", sa.MetaData(), *(sa.Column(c, sa.Uuid()) for c in uuids),
        *(sa.Column(c, TS) for c in times), *(sa.Column(c, sa.Text()) for c in texts),
        sa.Column("port", sa.Integer()), sa.Column("occurrences", sa.Integer()), sa.Column("priority", sa.Integer()),
        sa.Column("regressed", sa.Boolean()), sa.Column("cves", JSON),
    )  # fmt: skip


def _create_schema() -> None:
    op.create_table(
        "monitoring_issues",
        sa.Column("key", sa.String(length=600), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("asset_id", sa.Uuid(), nullable=True),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("rule", sa.String(length=100), nullable=False),
        sa.Column("protocol", sa.String(length=10), nullable=True),
        sa.Column("port", sa.Integer(), nullable=True),
        sa.Column("component", sa.String(length=200), nullable=False),
        sa.Column("severity", sa.String(length=20), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("cves", JSON, nullable=False),
        sa.Column("first_seen_at", TS, nullable=False),
        sa.Column("last_seen_at", TS, nullable=False),
        sa.Column("last_scan_id", sa.Uuid(), nullable=True),
        sa.Column("occurrences", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=False),
        sa.Column("status_by", sa.String(length=200), nullable=False),
        sa.Column("status_at", TS, nullable=True),
        sa.Column("accepted_until", TS, nullable=True),
        sa.Column("fixed_at", TS, nullable=True),
        sa.Column("regressed", sa.Boolean(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("org_unit_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["last_scan_id"], ["monitoring_scans.id"],
                                name=op.f("fk_monitoring_issues_last_scan_id_monitoring_scans"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["org_unit_id"], ["org_units.id"],
                                name=op.f("fk_monitoring_issues_org_unit_id_org_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_issues")),
        sa.UniqueConstraint("org_unit_id", "key", name="uq_monitoring_issues_unit_key"),
    )  # fmt: skip
    with op.batch_alter_table("monitoring_issues", schema=None) as batch_op:
        for column in ("asset_id", "host", "org_unit_id", "rule", "severity", "source", "status"):
            batch_op.create_index(batch_op.f(f"ix_monitoring_issues_{column}"), [column], unique=False)
        batch_op.create_index("ix_monitoring_issues_unit_priority_id", ["org_unit_id", "priority", "id"])
    with op.batch_alter_table("monitoring_findings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("issue_id", sa.Uuid(), nullable=True))
        batch_op.create_index(batch_op.f("ix_monitoring_findings_issue_id"), ["issue_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_monitoring_findings_issue_id_monitoring_issues"),
                                    "monitoring_issues", ["issue_id"], ["id"], ondelete="SET NULL")  # fmt: skip


def _issues_from_findings() -> None:
    bind = op.get_bind()
    scan_rows = {r.id: r for r in bind.execute(sa.select(scans))}
    latest: dict[tuple[Any, str, str], Any] = {}  # (unit, kind, target) -> its newest scan
    for s in scan_rows.values():
        when = s.scanned_at or s.created_at
        slot = (s.org_unit_id, s.kind, s.target)
        if slot not in latest or (latest[slot].scanned_at or latest[slot].created_at) < when:
            latest[slot] = s
    issues: dict[tuple[Any, str], dict[str, Any]] = {}
    links: list[dict[str, Any]] = []
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    for f in bind.execute(sa.select(findings).where(findings.c.rule != "port-closed")):
        scan = scan_rows[f.scan_id]
        when = scan.scanned_at or scan.created_at
        key = _key(f.asset_id, f.host, f.rule, f.cves or [], f.protocol, f.port)
        row = issues.get((scan.org_unit_id, key))
        if row is None:
            row = issues[(scan.org_unit_id, key)] = {
                "id": uuid.uuid4(), "key": key, "source": scan.kind[:20], "org_unit_id": scan.org_unit_id,
                "asset_id": f.asset_id, "host": f.host, "rule": f.rule, "protocol": f.protocol, "port": f.port,
                "component": "", "first_seen_at": when, "last_seen_at": None, "occurrences": 0, "status_reason": "",
                "status_by": "", "status_at": None, "accepted_until": None, "fixed_at": None, "regressed": False,
                "created_at": when, "updated_at": when,
            }  # fmt: skip
        row["first_seen_at"] = min(row["first_seen_at"], when)
        row["occurrences"] += 1
        if row["last_seen_at"] is None or when >= row["last_seen_at"]:
            row.update(last_seen_at=when, last_scan_id=scan.id, severity=f.severity, detail=f.detail or "",
                       cves=list(f.cves or []), target=scan.target, kind=scan.kind)  # fmt: skip
        links.append({"f_id": f.id, "i_id": row["id"]})
    for (unit, _), row in issues.items():
        newest = latest[(unit, row.pop("kind"), row.pop("target"))]
        newest_at = newest.scanned_at or newest.created_at
        fixed = newest_at > row["last_seen_at"]
        row.update(status="fixed" if fixed else "open", fixed_at=newest_at if fixed else None,
                   status_by=f"scan:{newest.name}"[:200] if fixed else "",
                   status_reason=f"no longer reported by scan {newest.name}" if fixed else "",
                   priority=(20 if fixed else 0) + rank.get(row["severity"], 9))  # fmt: skip
    if issues:
        bind.execute(_issue_table().insert(), list(issues.values()))
    if links:
        stmt = findings.update().where(findings.c.id == sa.bindparam("f_id")).values(issue_id=sa.bindparam("i_id"))
        bind.execute(stmt, links)


def upgrade() -> None:
    _create_schema()
    _issues_from_findings()


def downgrade() -> None:
    with op.batch_alter_table("monitoring_findings", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_monitoring_findings_issue_id_monitoring_issues"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_monitoring_findings_issue_id"))
        batch_op.drop_column("issue_id")
    with op.batch_alter_table("monitoring_issues", schema=None) as batch_op:
        batch_op.drop_index("ix_monitoring_issues_unit_priority_id")
        for column in ("status", "source", "severity", "rule", "org_unit_id", "host", "asset_id"):
            batch_op.drop_index(batch_op.f(f"ix_monitoring_issues_{column}"))
    op.drop_table("monitoring_issues")

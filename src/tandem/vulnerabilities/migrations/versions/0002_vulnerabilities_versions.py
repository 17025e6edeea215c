"""vulnerabilities: matches stored per software version; asset-level findings expanded lazily; triage overlay

Revision ID: 0002_vulnerabilities_versions
Revises: 0001_vulnerabilities
Create Date: 2026-11-27 19:40:00

Upgrade moves every finding row across: its item is linked to its software version (the identity the match job
computes), each (version, advisory) explanation becomes one version match, and every decision a person made (and
every first-seen date the lazy expansion would not reproduce) becomes a triage row. Downgrade expands the version
matches back into one findings row per item, with the triage rows' statuses.
"""

import uuid
from collections import defaultdict
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

from tandem.platform.db.types import UTCDateTime
from tandem.vulnerabilities.identities import Identities

revision: str = "0002_vulnerabilities_versions"
down_revision: str | Sequence[str] | None = "0001_vulnerabilities"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql")
KEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = UTCDateTime(timezone=True)
MATCHER = "matcher"
CLOSED_REASON = "no longer matches: the software or the advisory changed"
EXPLAIN = ("cve_id", "cve_ids", "path", "criterion", "range", "matched_version", "steps", "platform", "confidence",
           "cvss", "kev", "kev_due", "epss_percentile", "priority_tier", "priority_label", "priority_rank")  # fmt: skip
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
meta = sa.MetaData(naming_convention=NAMING)
# Referenced tables, only as far as the foreign keys and the data move need them.
org_units = sa.Table("org_units", meta, sa.Column("id", sa.Uuid(), primary_key=True))
software = sa.Table(
    "inventory_software", meta, sa.Column("id", sa.Uuid(), primary_key=True), sa.Column("org_unit_id", sa.Uuid()),
    sa.Column("asset_id", sa.Uuid()), sa.Column("application_id", sa.Uuid()), sa.Column("name", sa.String(300)),
    sa.Column("version", sa.String(100)), sa.Column("cpe", sa.String(500)), sa.Column("purl", sa.String(1000)),
)  # fmt: skip


def _explain_columns() -> list[sa.Column[Any]]:
    return [
        sa.Column("cve_id", sa.String(100), nullable=False, index=True),
        sa.Column("cve_ids", JSON, nullable=False),
        sa.Column("path", sa.String(10), nullable=False),
        sa.Column("criterion", sa.String(500), nullable=False),
        sa.Column("range", sa.String(300), nullable=False),
        sa.Column("matched_version", sa.String(200), nullable=False),
        sa.Column("steps", JSON, nullable=False),
        sa.Column("platform", JSON, nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("cvss", sa.Float(), nullable=True),
        sa.Column("kev", sa.Boolean(), nullable=False),
        sa.Column("kev_due", sa.String(10), nullable=False),
        sa.Column("epss_percentile", sa.Float(), nullable=True),
        sa.Column("priority_tier", sa.Integer(), nullable=False),
        sa.Column("priority_label", sa.String(100), nullable=False),
        sa.Column("priority_rank", sa.String(60), nullable=False),
    ]


def _status_columns() -> list[sa.Column[Any]]:
    return [
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=False),
        sa.Column("status_by", sa.String(200), nullable=False),
        sa.Column("status_at", TS, nullable=True),
    ]


def _stamps() -> list[sa.Column[Any]]:
    return [sa.Column("created_at", TS, nullable=False), sa.Column("updated_at", TS, nullable=False)]


def _org_unit() -> sa.Column[Any]:
    return sa.Column("org_unit_id", sa.Uuid(), sa.ForeignKey("org_units.id"), nullable=False, index=True)


def _software_fk(**kw: Any) -> sa.Column[Any]:
    return sa.Column("software_id", sa.Uuid(), sa.ForeignKey("inventory_software.id", ondelete="CASCADE"), **kw)


versions = sa.Table(
    "vulnerabilities_versions", meta,
    sa.Column("id", KEY, primary_key=True, autoincrement=True),
    sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("identity", sa.Text(), nullable=False),
    sa.Column("created_at", TS, nullable=False),
)  # fmt: skip
links = sa.Table(
    "vulnerabilities_software_links", meta,
    sa.Column("id", KEY, primary_key=True, autoincrement=True),
    _software_fk(nullable=False, unique=True),
    sa.Column("version_id", KEY, sa.ForeignKey("vulnerabilities_versions.id"), nullable=True, index=True),
    sa.Column("linked_at", TS, nullable=False),
)  # fmt: skip
matches = sa.Table(
    "vulnerabilities_version_matches", meta,
    sa.Column("id", KEY, primary_key=True, autoincrement=True),
    sa.Column("version_id", KEY, sa.ForeignKey("vulnerabilities_versions.id"), nullable=False),
    sa.Column("advisory_id", sa.String(100), nullable=False, index=True),
    *_explain_columns(),
    sa.Column("scoped", sa.Boolean(), nullable=False),
    sa.Column("active", sa.Boolean(), nullable=False),
    sa.Column("first_seen_at", TS, nullable=False),
    sa.Column("last_seen_at", TS, nullable=False),
    sa.Column("closed_at", TS, nullable=True),
    sa.UniqueConstraint("version_id", "advisory_id", name="uq_vulnerabilities_version_matches_version_advisory"),
    sa.Index("ix_vulnerabilities_version_matches_rank", "priority_rank", "id"),
)  # fmt: skip
hits = sa.Table(
    "vulnerabilities_scoped_hits", meta,
    sa.Column("match_id", KEY, sa.ForeignKey("vulnerabilities_version_matches.id", ondelete="CASCADE"),
              primary_key=True),
    _software_fk(primary_key=True, index=True),
)  # fmt: skip
triage = sa.Table(
    "vulnerabilities_triage", meta,
    sa.Column("id", sa.Uuid(), primary_key=True),
    _software_fk(nullable=False),
    sa.Column("advisory_id", sa.String(100), nullable=False, index=True),
    sa.Column("version_id", KEY, sa.ForeignKey("vulnerabilities_versions.id"), nullable=True),
    *_status_columns(),
    sa.Column("first_seen_at", TS, nullable=True),
    sa.Column("last_seen_at", TS, nullable=True),
    *_stamps(),
    _org_unit(),
    sa.UniqueConstraint("software_id", "advisory_id", name="uq_vulnerabilities_triage_software_advisory"),
)  # fmt: skip
NEW_TABLES = (versions, links, matches, hits, triage)
findings = sa.Table(
    "vulnerabilities_findings", meta,
    sa.Column("id", sa.Uuid(), primary_key=True),
    _software_fk(nullable=False, index=True),
    sa.Column("asset_id", sa.Uuid(), nullable=True, index=True),
    sa.Column("application_id", sa.Uuid(), nullable=True, index=True),
    sa.Column("component", sa.String(400), nullable=False),
    sa.Column("advisory_id", sa.String(100), nullable=False, index=True),
    *_explain_columns(),
    *_status_columns(),
    sa.Column("first_seen_at", TS, nullable=False),
    sa.Column("last_seen_at", TS, nullable=False),
    *_stamps(),
    _org_unit(),
    sa.UniqueConstraint("software_id", "advisory_id", name="uq_vulnerabilities_findings_software_advisory"),
    sa.Index("ix_vulnerabilities_findings_unit_rank", "org_unit_id", "status", "priority_rank", "id"),
)  # fmt: skip


def _insert(conn: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), 1000):
        conn.execute(table.insert(), rows[start : start + 1000])


def _human(f: Any) -> bool:
    return (f.status != "open" and f.status_by != MATCHER) or (f.status == "open" and bool(f.status_by))


def upgrade() -> None:
    conn = op.get_bind()
    for table in NEW_TABLES:
        table.create(conn)
    _forward(conn)
    op.drop_table("vulnerabilities_findings")


def _forward(conn: sa.Connection) -> None:
    rows = list(
        conn.execute(
            sa.select(findings, software.c.cpe, software.c.version.label("sw_version"), software.c.purl).join(
                software, software.c.id == findings.c.software_id
            )
        )
    )
    if not rows:
        return
    ids = Identities()
    version_of: dict[uuid.UUID, str] = {}
    texts: dict[str, str] = {}
    for f in rows:
        ident = ids.of(SimpleNamespace(cpe=f.cpe, version=f.sw_version, purl=f.purl))
        key = ident.key_hash if ident else f"legacy:{f.software_id}"
        version_of[f.software_id] = key
        texts[key] = ident.text if ident else f"{f.cpe or f.purl or ''}"
    now = max(f.last_seen_at for f in rows)
    _insert(conn, versions, [{"key_hash": k, "identity": t, "created_at": now} for k, t in texts.items()])
    vid = {r[0]: r[1] for r in conn.execute(sa.select(versions.c.key_hash, versions.c.id))}
    linked_at: dict[uuid.UUID, Any] = {}
    for f in rows:
        linked_at[f.software_id] = min(linked_at.get(f.software_id, f.first_seen_at), f.first_seen_at)
    _insert(conn, links, [{"software_id": sw, "version_id": vid[version_of[sw]], "linked_at": at}
                          for sw, at in linked_at.items()])  # fmt: skip
    groups: dict[tuple[int, str], list[Any]] = defaultdict(list)
    for f in rows:
        groups[(vid[version_of[f.software_id]], f.advisory_id)].append(f)
    items_of: dict[int, set[uuid.UUID]] = defaultdict(set)
    for sw, key in version_of.items():
        items_of[vid[key]].add(sw)
    _move_matches(conn, groups, items_of, linked_at)


def _move_matches(
    conn: sa.Connection, groups: dict[tuple[int, str], list[Any]], items_of: dict[int, set[uuid.UUID]],
    linked_at: dict[uuid.UUID, Any],
) -> None:  # fmt: skip
    match_rows, carriers = [], {}
    for (v, adv), fs in groups.items():
        fs.sort(key=lambda f: f.first_seen_at)
        live = {f.software_id for f in fs if not (f.status == "fixed" and f.status_by == MATCHER)}
        closed = [f.status_at for f in fs if f.status_at is not None and f.software_id not in live]
        carriers[(v, adv)] = live
        match_rows.append({
            "version_id": v, "advisory_id": adv, **{c: getattr(fs[0], c) for c in EXPLAIN},
            "scoped": bool(live) and live != items_of[v], "active": bool(live),
            "first_seen_at": fs[0].first_seen_at, "last_seen_at": max(f.last_seen_at for f in fs),
            "closed_at": None if live else (max(closed) if closed else fs[-1].last_seen_at),
        })  # fmt: skip
    _insert(conn, matches, match_rows)
    mid = {(r.version_id, r.advisory_id): r.id for r in conn.execute(sa.select(matches))}
    _insert(conn, hits, [{"match_id": mid[k], "software_id": sw} for k, r in zip(groups, match_rows, strict=True)
                         if r["scoped"] for sw in carriers[k]])  # fmt: skip
    overlay = []
    for (v, _adv), fs in groups.items():
        first_of_match = fs[0].first_seen_at
        for f in fs:
            carried = f.software_id in carriers[(v, f.advisory_id)]
            derived = max(first_of_match, linked_at[f.software_id])
            if _human(f) or (not carried and carriers[(v, f.advisory_id)]) or f.first_seen_at != derived:
                overlay.append({
                    "id": uuid.uuid4(), "software_id": f.software_id, "advisory_id": f.advisory_id, "version_id": v,
                    "status": f.status, "status_reason": f.status_reason, "status_by": f.status_by,
                    "status_at": f.status_at, "first_seen_at": f.first_seen_at, "last_seen_at": f.last_seen_at,
                    "created_at": f.created_at, "updated_at": f.updated_at, "org_unit_id": f.org_unit_id,
                })  # fmt: skip
    _insert(conn, triage, overlay)


def downgrade() -> None:
    conn = op.get_bind()
    findings.create(conn)
    _backward(conn)
    for table in reversed(NEW_TABLES):
        table.drop(conn)


def _backward(conn: sa.Connection) -> None:
    sw_rows = {r.id: r for r in conn.execute(sa.select(software))}
    link_rows = list(conn.execute(sa.select(links)))
    by_version: dict[int, list[Any]] = defaultdict(list)
    for link in link_rows:
        if link.version_id is not None:
            by_version[link.version_id].append(link)
    hit_pairs = {(h.match_id, h.software_id) for h in conn.execute(sa.select(hits))}
    overlay = {(t.software_id, t.advisory_id): t for t in conn.execute(sa.select(triage))}
    match_rows = list(conn.execute(sa.select(matches)))
    by_key = {(m.version_id, m.advisory_id): m for m in match_rows}
    out: dict[tuple[uuid.UUID, str], dict[str, Any]] = {}
    for m in match_rows:
        for link in by_version.get(m.version_id, []):
            carried = not m.scoped or (m.id, link.software_id) in hit_pairs
            if carried and (m.active or link.linked_at <= m.closed_at):
                mark = overlay.get((link.software_id, m.advisory_id))
                out[(link.software_id, m.advisory_id)] = _old_row(m, sw_rows[link.software_id], mark, link.linked_at)
    for (sw, adv), t in overlay.items():
        kept = by_key.get((t.version_id, adv))
        if (sw, adv) not in out and kept is not None and sw in sw_rows:
            out[(sw, adv)] = _old_row(kept, sw_rows[sw], t, None)
    _insert(conn, findings, list(out.values()))


def _old_row(m: Any, sw: Any, t: Any, linked_at: Any) -> dict[str, Any]:
    """Return the findings row of one item and one version match, with the status the lazy view would show."""
    human = t is not None and (t.status != "open" and t.status_by != MATCHER)
    if human or (t is not None and linked_at is None):
        status = (t.status, t.status_reason, t.status_by, t.status_at)
        if status[0] == "open" and linked_at is None:
            status = ("fixed", CLOSED_REASON, MATCHER, t.status_at)
    elif not m.active:
        status = ("fixed", CLOSED_REASON, MATCHER, m.closed_at)
    elif t is not None and t.status == "open":
        status = ("open", t.status_reason, t.status_by, t.status_at)
    else:
        status = ("open", "", "", None)
    first = t.first_seen_at if t is not None and t.first_seen_at else max(m.first_seen_at, linked_at or m.first_seen_at)
    return {
        "id": uuid.uuid4(), "software_id": sw.id, "asset_id": sw.asset_id, "application_id": sw.application_id,
        "component": f"{sw.name} {sw.version}".strip()[:400], "advisory_id": m.advisory_id,
        **{c: getattr(m, c) for c in EXPLAIN}, "status": status[0], "status_reason": status[1],
        "status_by": status[2], "status_at": status[3], "first_seen_at": first,
        "last_seen_at": (t.last_seen_at if t is not None and linked_at is None and t.last_seen_at else m.last_seen_at),
        "created_at": first, "updated_at": m.last_seen_at, "org_unit_id": sw.org_unit_id,
    }  # fmt: skip

"""SQL of stored matches: software versions, the items linked to them, version matches, scoped hits, triage rows."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, func, select, text, update
from sqlalchemy.orm import Session

from tandem.inventory.models import SoftwareComponent
from tandem.vulnerabilities.findings_view import Finding
from tandem.vulnerabilities.models import ScopedHit, SoftwareLink, SoftwareVersion, Triage, VersionMatch
from tandem.vulnerabilities.repository import chunks


def _table(model: Any) -> Table:
    return cast(Table, model.__table__)


def insert_rows(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    """Insert rows in one executemany."""
    if rows:
        session.execute(_table(model).insert(), rows)


def update_rows(session: Session, model: Any, rows: list[dict[str, Any]], key: str = "id") -> None:
    """Update rows by key; every row carries `b_key` and the same set of columns."""
    if not rows:
        return
    table = _table(model)
    columns = [c for c in rows[0] if c != "b_key"]
    stmt = update(table).where(table.c[key] == bindparam("b_key")).values({c: bindparam(c) for c in columns})
    session.execute(stmt, rows, execution_options={"synchronize_session": False})


def ensure_versions(session: Session, identities: dict[str, str], now: dt.datetime) -> dict[str, int]:
    """Return {key hash: version id}, creating the versions not stored yet."""
    found: dict[str, int] = {}
    hashes = sorted(identities)
    for part in chunks(hashes):
        found.update(_pairs(session, part))
    missing = [h for h in hashes if h not in found]
    insert_rows(session, SoftwareVersion, [{"key_hash": h, "identity": identities[h], "created_at": now}
                                           for h in missing])  # fmt: skip
    for part in chunks(missing):
        found.update(_pairs(session, part))
    return found


def _pairs(session: Session, hashes: Sequence[str]) -> dict[str, int]:
    stmt = select(SoftwareVersion.key_hash, SoftwareVersion.id).where(SoftwareVersion.key_hash.in_(hashes))
    return {r[0]: r[1] for r in session.execute(stmt)}


def links(session: Session, software_ids: Sequence[uuid.UUID] | None) -> dict[uuid.UUID, tuple[int, int | None, Any]]:
    """Return {software id: (link id, version id, linked at)} of the given items (None = every link)."""
    stmt = select(SoftwareLink.software_id, SoftwareLink.id, SoftwareLink.version_id, SoftwareLink.linked_at)
    rows: list[Any] = []
    if software_ids is None:
        rows = list(session.execute(stmt))
    for part in chunks(list(software_ids or [])):
        rows.extend(session.execute(stmt.where(SoftwareLink.software_id.in_(part))))
    return {r[0]: (r[1], r[2], r[3]) for r in rows}


def items_of_versions(session: Session, version_ids: Iterable[int]) -> dict[int, set[uuid.UUID]]:
    """Return {version id: the software items linked to it}."""
    out: dict[int, set[uuid.UUID]] = {}
    for part in chunks(sorted(set(version_ids))):
        stmt = select(SoftwareLink.version_id, SoftwareLink.software_id).where(SoftwareLink.version_id.in_(part))
        for v, sw in session.execute(stmt):
            if v is not None:
                out.setdefault(v, set()).add(sw)
    return out


MATCH_STATE = (VersionMatch.version_id, VersionMatch.advisory_id, VersionMatch.id, VersionMatch.kev,
               VersionMatch.active, VersionMatch.scoped, VersionMatch.first_seen_at, VersionMatch.last_seen_at,
               VersionMatch.closed_at)  # fmt: skip


def version_matches(
    session: Session, version_ids: Sequence[int] | None, advisory_ids: Sequence[str] | None
) -> dict[tuple[int, str], Any]:
    """Return {(version id, advisory id): state row} of matches in scope (both None = all)."""
    stmt = select(*MATCH_STATE)
    rows: list[Any] = []
    if version_ids is None and advisory_ids is None:
        rows = list(session.execute(stmt))
    for part in chunks(sorted(set(version_ids or []))):
        rows.extend(session.execute(stmt.where(VersionMatch.version_id.in_(part))))
    for part in chunks(sorted(set(advisory_ids or []))):
        rows.extend(session.execute(stmt.where(VersionMatch.advisory_id.in_(part))))
    return {(r.version_id, r.advisory_id): r for r in rows}


def scoped_hits(session: Session, match_ids: Iterable[int]) -> set[tuple[int, uuid.UUID]]:
    """Return the (match id, software id) pairs stored for scoped matches."""
    out: set[tuple[int, uuid.UUID]] = set()
    for part in chunks(sorted(set(match_ids))):
        stmt = select(ScopedHit.match_id, ScopedHit.software_id).where(ScopedHit.match_id.in_(part))
        out.update((m, s) for m, s in session.execute(stmt))
    return out


def replace_scoped_hits(session: Session, match_ids: Iterable[int], pairs: list[dict[str, Any]]) -> None:
    """Drop the scoped hits of match_ids and store pairs instead."""
    for part in chunks(sorted(set(match_ids))):
        session.execute(delete(ScopedHit).where(ScopedHit.match_id.in_(part)))
    insert_rows(session, ScopedHit, pairs)


def match_ids(session: Session, keys: Iterable[tuple[int, str]]) -> dict[tuple[int, str], int]:
    """Return {(version id, advisory id): match id} for keys (read back after an insert)."""
    wanted = set(keys)
    out: dict[tuple[int, str], int] = {}
    for part in chunks(sorted({v for v, _ in wanted})):
        stmt = select(VersionMatch.version_id, VersionMatch.advisory_id, VersionMatch.id)
        for v, adv, mid in session.execute(stmt.where(VersionMatch.version_id.in_(part))):
            if (v, adv) in wanted:
                out[(v, adv)] = mid
    return out


def matches_for_cves(session: Session, cve_ids: Sequence[str]) -> Sequence[Any]:
    """Return (id, version id, advisory id, cve id, cve ids, cvss, kev) of matches whose primary CVE is listed."""
    out: list[Any] = []
    cols = (VersionMatch.id, VersionMatch.version_id, VersionMatch.advisory_id, VersionMatch.cve_id,
            VersionMatch.cve_ids, VersionMatch.cvss, VersionMatch.kev)  # fmt: skip
    for part in chunks(list(cve_ids)):
        out.extend(session.execute(select(*cols).where(VersionMatch.cve_id.in_(part))))
    return out


def triage_rows(session: Session, software_ids: Sequence[uuid.UUID]) -> dict[tuple[uuid.UUID, str], Any]:
    """Return {(software id, advisory id): triage row} of the given items."""
    out: dict[tuple[uuid.UUID, str], Any] = {}
    cols = (Triage.software_id, Triage.advisory_id, Triage.id, Triage.status, Triage.status_by, Triage.first_seen_at)
    for part in chunks(list(software_ids)):
        for r in session.execute(select(*cols).where(Triage.software_id.in_(part))):
            out[(r.software_id, r.advisory_id)] = r
    return out


def org_units(session: Session, software_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
    """Return {software id: org unit id}."""
    out: dict[uuid.UUID, uuid.UUID] = {}
    for part in chunks(list(software_ids)):
        stmt = select(SoftwareComponent.id, SoftwareComponent.org_unit_id).where(SoftwareComponent.id.in_(part))
        out.update({r[0]: r[1] for r in session.execute(stmt)})
    return out


def changed_software(session: Session, since: dt.datetime) -> list[uuid.UUID]:
    """Return every software item created or changed after since (with or without a CPE or purl now)."""
    sw = SoftwareComponent
    stmt = select(sw.id).where((sw.updated_at > since) | (sw.created_at > since))
    return list(session.scalars(stmt))


def finding_ids_of_matches(session: Session, ids: Iterable[int]) -> list[uuid.UUID]:
    """Return the ids of the asset-level findings that carry the given version matches."""
    out: list[uuid.UUID] = []
    for part in chunks(sorted(set(ids))):
        out.extend(session.scalars(select(Finding.id).where(Finding.match_id.in_(part))))
    return out


def stored_counts(session: Session) -> dict[str, int]:
    """Return how many versions, links, version matches, scoped hits and triage rows are stored."""
    models = {"versions": SoftwareVersion, "links": SoftwareLink, "version_matches": VersionMatch,
              "scoped_hits": ScopedHit, "triage": Triage}  # fmt: skip
    return {k: int(session.scalar(select(func.count()).select_from(m)) or 0) for k, m in models.items()}


# The tables the lazy findings read joins; without statistics SQLite drives it from the org-unit index of the
# software table and expands every match, instead of walking the version matches by rank.
PLANNED_TABLES = ("vulnerabilities_version_matches", "vulnerabilities_software_links", "vulnerabilities_versions",
                  "vulnerabilities_scoped_hits", "vulnerabilities_triage", "inventory_software")  # fmt: skip


def refresh_statistics(session: Session) -> None:
    """Refresh SQLite's planner statistics of the tables findings are expanded from (PostgreSQL autovacuums)."""
    if session.get_bind().dialect.name == "sqlite":
        for table in PLANNED_TABLES:
            session.execute(text(f"ANALYZE {table}"))

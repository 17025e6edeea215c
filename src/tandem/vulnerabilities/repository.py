"""SQL of the vulnerabilities domain: bulk upserts of feed rows, matcher inputs, findings."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from typing import Any, cast

from sqlalchemy import Select, Table, bindparam, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from tandem.inventory.models import SoftwareComponent
from tandem.platform.auth.principal import Principal
from tandem.platform.db.paging import Page, PageRequest
from tandem.platform.db.repository import Repository
from tandem.vulnerabilities.models import Advisory, EpssScore, FeedImport, Finding, KevEntry, MatchRun

CHUNK = 500  # ids per IN (...) list: well below SQLite's and PostgreSQL's parameter limits


def chunks(values: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    """Yield slices of at most size values."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def upsert(session: Session, model: Any, rows: list[dict[str, Any]], keys: tuple[str, ...]) -> None:
    """Insert rows, replacing every non-key column of rows that already exist (one statement per batch)."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(model)
    columns = [c for c in rows[0] if c not in keys]
    session.execute(
        stmt.on_conflict_do_update(index_elements=list(keys), set_={c: stmt.excluded[c] for c in columns}), rows
    )


def fingerprints(
    session: Session, model: Any, key: str, columns: tuple[str, ...], ids: Sequence[str]
) -> dict[str, tuple[Any, ...]]:
    """Return {id: (column values)} of the rows that exist, to tell changed rows from unchanged ones."""
    out: dict[str, tuple[Any, ...]] = {}
    key_col = getattr(model, key)
    cols = [getattr(model, c) for c in columns]
    for part in chunks(list(ids)):
        for row in session.execute(select(key_col, *cols).where(key_col.in_(part))):
            out[row[0]] = tuple(row[1:])
    return out


def advisories(session: Session, since: dt.datetime | None = None) -> Sequence[Any]:
    """Return the advisory rows the matcher needs (changed since `since` when given)."""
    stmt = select(Advisory.id, Advisory.source, Advisory.status, Advisory.cvss, Advisory.cvss_vector,
                  Advisory.severity, Advisory.match_data)  # fmt: skip
    if since is not None:
        stmt = stmt.where(Advisory.changed_at > since)
    return session.execute(stmt).all()


def kev_rows(session: Session) -> Sequence[KevEntry]:
    """Return every KEV entry."""
    return session.scalars(select(KevEntry)).all()


def epss_rows(session: Session, cve_ids: Iterable[str] | None = None) -> Sequence[Any]:
    """Return (cve_id, score, percentile) rows, all or for the given CVEs."""
    stmt = select(EpssScore.cve_id, EpssScore.score, EpssScore.percentile)
    if cve_ids is None:
        return session.execute(stmt).all()
    rows: list[Any] = []
    for part in chunks(sorted(set(cve_ids))):
        rows.extend(session.execute(stmt.where(EpssScore.cve_id.in_(part))).all())
    return rows


def changed_enrichment(session: Session, since: dt.datetime) -> set[str]:
    """Return CVE ids whose KEV or EPSS data changed after since."""
    kev = session.scalars(select(KevEntry.cve_id).where(KevEntry.changed_at > since))
    epss = session.scalars(select(EpssScore.cve_id).where(EpssScore.changed_at > since))
    return set(kev) | set(epss)


def software_rows(session: Session, since: dt.datetime | None = None) -> Sequence[Any]:
    """Return inventory software with a CPE or purl (changed since `since` when given)."""
    sw = SoftwareComponent
    stmt = select(sw.id, sw.org_unit_id, sw.asset_id, sw.application_id, sw.name, sw.version, sw.cpe, sw.purl,
                  sw.source).where(or_(sw.cpe.is_not(None), sw.purl.is_not(None)))  # fmt: skip
    if since is not None:
        stmt = stmt.where(or_(sw.updated_at > since, sw.created_at > since))
    return session.execute(stmt).all()


def last_run(session: Session) -> MatchRun | None:
    """Return the latest match run."""
    return session.scalars(select(MatchRun).order_by(MatchRun.started_at.desc()).limit(1)).first()


def finding_keys(
    session: Session, software_ids: Sequence[uuid.UUID] | None, advisory_ids: Sequence[str] | None
) -> dict[tuple[uuid.UUID, str], tuple[uuid.UUID, str, bool, str]]:
    """Return {(software_id, advisory_id): (id, status, kev, status_by)} of findings in scope (both None = all)."""
    stmt = select(Finding.software_id, Finding.advisory_id, Finding.id, Finding.status, Finding.kev, Finding.status_by)
    rows: list[Any] = []
    if software_ids is None and advisory_ids is None:
        rows = list(session.execute(stmt))
    for part in chunks(list(software_ids or [])):
        rows.extend(session.execute(stmt.where(Finding.software_id.in_(part))))
    for part in chunks(list(advisory_ids or [])):
        rows.extend(session.execute(stmt.where(Finding.advisory_id.in_(part))))
    return {(r[0], r[1]): (r[2], r[3], r[4], r[5]) for r in rows}


def insert_findings(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert new findings in one executemany."""
    if rows:
        session.execute(cast(Table, Finding.__table__).insert(), rows)


def update_findings(session: Session, rows: list[dict[str, Any]]) -> None:
    """Update findings by id; every row carries `b_id` and the same set of columns."""
    if not rows:
        return
    columns = [c for c in rows[0] if c != "b_id"]
    table = cast(Table, Finding.__table__)
    stmt = update(table).where(table.c.id == bindparam("b_id"))
    session.execute(
        stmt.values({c: bindparam(c) for c in columns}), rows, execution_options={"synchronize_session": False}
    )


def findings_for_cves(session: Session, cve_ids: Sequence[str]) -> Sequence[Finding]:
    """Return findings whose primary CVE is one of cve_ids."""
    out: list[Finding] = []
    for part in chunks(list(cve_ids)):
        out.extend(session.scalars(select(Finding).where(Finding.cve_id.in_(part))))
    return out


class FindingRepository(Repository[Finding]):
    """Findings, scoped by the org unit of the software they are about."""

    model = Finding
    view_action = "vulnerabilities.view"

    def list_page(self, principal: Principal, req: PageRequest, kev_only: bool = False) -> Page[Finding]:
        """Return one page of visible findings."""
        stmt: Select[Any] = self.base_query(principal)
        if kev_only:
            stmt = stmt.where(Finding.kev.is_(True))
        return self.page(stmt, req)

    def counts(self, principal: Principal) -> dict[str, int]:
        """Return open findings per priority tier and per status."""
        base = self.base_query(principal).subquery()
        out = {
            f"status:{s}": n
            for s, n in self.session.execute(select(base.c.status, func.count()).group_by(base.c.status))
        }
        open_q = (
            select(base.c.priority_tier, func.count()).where(base.c.status == "open").group_by(base.c.priority_tier)
        )
        out.update({f"tier:{t}": n for t, n in self.session.execute(open_q)})
        out["kev_open"] = int(
            self.session.scalar(
                select(func.count()).select_from(base).where(base.c.kev.is_(True), base.c.status == "open")
            )
            or 0
        )
        return out


def feed_imports(session: Session, limit: int = 50) -> Sequence[FeedImport]:
    """Return the latest feed imports."""
    return session.scalars(select(FeedImport).order_by(FeedImport.created_at.desc()).limit(limit)).all()


def table_counts(session: Session) -> dict[str, int]:
    """Return how many advisories, KEV entries and EPSS scores are stored."""
    nvd = select(func.count()).select_from(Advisory).where(Advisory.source == "nvd")
    osv = select(func.count()).select_from(Advisory).where(Advisory.source == "osv")
    return {
        "nvd": int(session.scalar(nvd) or 0),
        "osv": int(session.scalar(osv) or 0),
        "kev": int(session.scalar(select(func.count()).select_from(KevEntry)) or 0),
        "epss": int(session.scalar(select(func.count()).select_from(EpssScore)) or 0),
    }


def get_advisory(session: Session, advisory_id: str) -> Advisory | None:
    """Return one advisory."""
    return session.get(Advisory, advisory_id)


def get_kev(session: Session, cve_id: str) -> KevEntry | None:
    """Return one KEV entry."""
    return session.get(KevEntry, cve_id)


def get_epss(session: Session, cve_id: str) -> EpssScore | None:
    """Return one EPSS score."""
    return session.get(EpssScore, cve_id)

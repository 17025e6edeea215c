"""SQL of the vulnerabilities domain: bulk upserts of feed rows, matcher inputs, findings."""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Integer, Select, and_, bindparam, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from tandem.inventory.models import Asset, SoftwareComponent
from tandem.platform.auth.permissions import visible_unit_ids
from tandem.platform.auth.principal import Principal
from tandem.platform.db.paging import Page, PageRequest
from tandem.platform.db.repository import Repository
from tandem.vulnerabilities.findings_view import RETIRED, Finding, live_for, live_status, unpack_id
from tandem.vulnerabilities.models import (
    Advisory,
    EpssScore,
    FeedImport,
    KevEntry,
    MatchRun,
    SoftwareLink,
    Triage,
    VersionMatch,
)

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


FAST_FILTERS = frozenset({"status", "priority_tier"})


def cursor_rank(cursor: str | None) -> str | None:
    """Return the version-match part of a priority cursor's rank (None without a readable one)."""
    if not cursor:
        return None
    try:
        value = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))[0]
    except (ValueError, TypeError, IndexError, KeyError):
        return None
    return value.rsplit("|", 1)[0] if isinstance(value, str) and "|" in value else None


def match_rank_bound(session: Session, after: str | None, budget: int) -> str | None:
    """Return the version-match rank by which at least `budget` item findings start (from `after` on), or None
    when fewer remain. Walks the rank index, counting each version's items."""
    items = select(func.count()).where(SoftwareLink.version_id == VersionMatch.version_id).scalar_subquery()
    stmt = select(VersionMatch.priority_rank, items).order_by(VersionMatch.priority_rank, VersionMatch.id)
    if after is not None:
        stmt = stmt.where(VersionMatch.priority_rank >= after)
    total, last, rows = 0, None, 0
    for rank, count in session.execute(stmt.limit(budget)):
        total, last, rows = total + count, rank, rows + 1
        if total >= budget:
            return str(rank)
    return last if rows == budget else None


class FindingRepository(Repository[Finding]):
    """Findings, scoped by the org unit of the software they are about."""

    model = Finding
    view_action = "vulnerabilities.view"

    def base_query(self, principal: Principal | None) -> Select[Any]:
        """Return visible findings, always read afresh: they are computed, so a loaded one goes stale as the
        tables under it change within the transaction."""
        return super().base_query(principal).execution_options(populate_existing=True)

    def get(self, principal: Principal | None, obj_id: uuid.UUID) -> Finding | None:
        """Return a finding by id; an id minted before its item moved to another version still finds it."""
        link_id, match_id = unpack_id(obj_id)
        base = self.base_query(principal)
        found = self.session.scalars(base.where(Finding.link_id == link_id, Finding.match_id == match_id)).first()
        if found is not None:
            return found
        software_id = self.session.scalar(select(SoftwareLink.software_id).where(SoftwareLink.id == link_id))
        advisory_id = self.session.scalar(select(VersionMatch.advisory_id).where(VersionMatch.id == match_id))
        if software_id is None or advisory_id is None:
            return None
        stmt = base.where(Finding.software_id == software_id, Finding.advisory_id == advisory_id)
        return self.session.scalars(stmt).first()

    def triage(self, software_id: uuid.UUID, advisory_id: str) -> Triage | None:
        """Return the triage row of (software item, advisory), if anyone or the matcher wrote one."""
        stmt = select(Triage).where(Triage.software_id == software_id, Triage.advisory_id == advisory_id)
        return self.session.scalars(stmt).first()

    def refreshed(self, finding_id: uuid.UUID) -> Finding | None:
        """Return the finding read again from the tables (after its triage row changed)."""
        link_id, match_id = unpack_id(finding_id)
        stmt = select(Finding).where(Finding.link_id == link_id, Finding.match_id == match_id)
        return self.session.scalars(stmt.execution_options(populate_existing=True)).first()

    def list_page(self, principal: Principal, req: PageRequest, kev_only: bool = False) -> Page[Finding]:
        """Return one page of visible findings; most urgent first reads only the most urgent version matches."""
        stmt: Select[Any] = self.base_query(principal)
        if kev_only:
            stmt = stmt.where(Finding.kev.is_(True))
        if req.sort != "priority_rank" or req.descending or req.q or not set(req.filters) <= FAST_FILTERS:
            return self.page(stmt, req)
        after, budget = cursor_rank(req.cursor), 4 * (req.limit + 1)
        while True:
            # Rows up to a version-match rank are a prefix of the whole order (the rank leads the sort key), so
            # the page is exact once that prefix holds more than a page; otherwise widen it.
            bound = match_rank_bound(self.session, after, budget)
            if bound is None:  # the rest is shorter than the budget: read it all
                return self.page(stmt if after is None else stmt.where(Finding.match_rank >= after), req)
            # Both ends of the rank range: the planner then walks the rank index instead of the unit index.
            page = self.page(stmt.where(Finding.match_rank >= (after or ""), Finding.match_rank <= bound), req)
            if page.next_cursor is not None:
                return page
            budget *= 8

    def top_open(self, principal: Principal, column: str, object_id: uuid.UUID, limit: int) -> list[Finding]:
        """Return up to limit visible open findings whose `column` is object_id, most urgent first.

        The rows and order list_page gives for the filters status=open and column=object_id (a record page's
        short list), from a statement built once: keying the findings view for the compiled cache afresh costs
        more CPU than running it."""
        units = visible_unit_ids(self.session, principal, self.view_action)
        if not units:
            return []  # base_query would add WHERE false
        params = {"units": units, "object_id": object_id, "limit": limit}
        return list(self.session.scalars(_top_open_query(column), params))

    def status_counts(self, principal: Principal, **equal: Any) -> dict[str, int]:
        """Return how many visible findings with the given column values there are per status."""
        sub = self.base_query(principal).filter_by(**equal).subquery()
        stmt = select(sub.c.status, func.count()).group_by(sub.c.status)
        return {str(status): int(n) for status, n in self.session.execute(stmt)}

    def counts(self, principal: Principal) -> dict[str, int]:
        """Return findings per status, open ones per priority tier, and open KEV ones.

        Counted from the tables (version matches × items, plus retired triage rows) rather than through the
        expanded view: nothing per finding needs building to count it."""
        units = visible_unit_ids(self.session, principal, self.view_action)
        vm, link, t, sw = VersionMatch, SoftwareLink, Triage, SoftwareComponent
        pairs = (
            select(live_status(vm, t).label("status"), vm.priority_tier, vm.kev)
            .select_from(vm)
            .join(link, link.version_id == vm.version_id)
            .join(sw, sw.id == link.software_id)
            .outerjoin(t, and_(t.software_id == link.software_id, t.advisory_id == vm.advisory_id))
            .where(live_for(vm, link), sw.org_unit_id.in_(units))
            .subquery()
        )
        p = pairs.c
        live = select(p.status, p.priority_tier, p.kev, func.count()).group_by(p.status, p.priority_tier, p.kev)
        r = RETIRED.c
        retired = (
            select(r.status, r.priority_tier, r.kev, func.count())
            .where(r.org_unit_id.in_(units))
            .group_by(r.status, r.priority_tier, r.kev)
        )
        out: dict[str, int] = defaultdict(int)
        for stmt in (live, retired):
            for found, tier, kev, n in self.session.execute(stmt):
                out[f"status:{found}"] += n
                if found == "open":
                    out[f"tier:{tier}"] += n
                    out["kev_open"] += n if kev else 0
        out.setdefault("kev_open", 0)
        return dict(out)


_top_open_queries: dict[str, Select[Any]] = {}


def _top_open_query(column: str) -> Select[Any]:
    """Return the statement of FindingRepository.top_open for column: base_query's unit scope and populate_existing,
    then the filters and the (priority_rank, id) order that paging applies."""
    if (stmt := _top_open_queries.get(column)) is None:
        col = getattr(Finding, column)
        stmt = (
            select(Finding)
            .where(Finding.org_unit_id.in_(bindparam("units", expanding=True)))
            .where(Finding.status == "open", col == bindparam("object_id", type_=col.type))
            .order_by(Finding.priority_rank.asc(), Finding.id.asc())
            .limit(bindparam("limit", type_=Integer))
            .execution_options(populate_existing=True)
        )
        _top_open_queries[column] = stmt
    return stmt


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


def asset_labels(session: Session, principal: Principal, asset_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Return the hostnames of those assets principal may see in the inventory."""
    ids = sorted(set(asset_ids))
    units = visible_unit_ids(session, principal, "inventory.view")
    if not ids or not units:
        return {}
    out: dict[uuid.UUID, str] = {}
    for part in chunks(ids):
        stmt = select(Asset.id, Asset.hostname).where(Asset.id.in_(part), Asset.org_unit_id.in_(units))
        out.update({row[0]: row[1] for row in session.execute(stmt)})
    return out


def get_advisory(session: Session, advisory_id: str) -> Advisory | None:
    """Return one advisory."""
    return session.get(Advisory, advisory_id)


def get_kev(session: Session, cve_id: str) -> KevEntry | None:
    """Return one KEV entry."""
    return session.get(KevEntry, cve_id)


def get_epss(session: Session, cve_id: str) -> EpssScore | None:
    """Return one EPSS score."""
    return session.get(EpssScore, cve_id)

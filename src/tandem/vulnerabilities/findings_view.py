"""Asset-level findings, expanded lazily: version matches × the software items linked to the version, with the
triage overlay on top. `Finding` is a read-only class mapped onto that query, so lists, filters, cursors and
visibility work on it as on any table; nothing per asset is stored until someone triages a finding."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import String, Uuid, and_, case, exists, func, literal, or_, select, type_coerce, union_all
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapped, aliased
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from tandem.inventory.models import Application, Asset, SoftwareComponent
from tandem.platform.db.base import Base
from tandem.platform.db.types import UTCDateTime
from tandem.vulnerabilities.models import ScopedHit, SoftwareLink, Triage, VersionMatch

MATCHER = "matcher"
CLOSED_REASON = "no longer matches: the software or the advisory changed"
_LOW = (1 << 64) - 1
# Within one priority, findings on the most critical, internet-exposed assets come first.
_CRITICALITY = {"critical": "0", "high": "1", "medium": "2", "low": "3"}


def pack_id(link_id: int, match_id: int) -> uuid.UUID:
    """Return the finding id of (software link, version match): both 64-bit keys in one UUID."""
    return uuid.UUID(int=(link_id << 64) | match_id)


def unpack_id(finding_id: uuid.UUID) -> tuple[int, int]:
    """Return (link id, version match id) packed in a finding id; (0, 0), which names no row, for ids no finding
    can have (either half beyond a signed 64-bit key: the databases refuse such numbers instead of finding nothing)."""
    link_id, match_id = finding_id.int >> 64, finding_id.int & _LOW
    return (link_id, match_id) if max(link_id, match_id) < 1 << 63 else (0, 0)


class _PackedId(FunctionElement[uuid.UUID]):
    """SQL for pack_id: 32 hex digits (SQLite's Uuid storage) or a cast to uuid (PostgreSQL)."""

    type = Uuid()
    inherit_cache = True
    name = "packed_id"


@compiles(_PackedId, "sqlite")
def _packed_sqlite(element: _PackedId, compiler: SQLCompiler, **kw: Any) -> str:
    link, match = (compiler.process(c, **kw) for c in element.clauses)
    return f"printf('%016x%016x', {link}, {match})"


@compiles(_PackedId, "postgresql")
def _packed_postgresql(element: _PackedId, compiler: SQLCompiler, **kw: Any) -> str:
    link, match = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(lpad(to_hex({link}), 16, '0') || lpad(to_hex({match}), 16, '0') AS UUID)"


def _rank(vm: Any, sw: Any, asset: Any, app: Any) -> Any:
    """Return the version match's priority rank, then asset criticality, then internet exposure."""
    crit = case(*((asset.criticality == k, v) for k, v in _CRITICALITY.items()), else_="2")
    exposed = case((app.internet_exposed.is_(True), "0"), else_="1")
    return type_coerce(vm.priority_rank + "|" + crit + exposed, String(70))


def _columns(vm: Any, link: Any, sw: Any, asset: Any, app: Any) -> list[Any]:
    """Return the columns both arms share: who the finding is on and why it matched."""
    return [
        _PackedId(link.id, vm.id).label("id"),
        sw.org_unit_id.label("org_unit_id"),
        sw.id.label("software_id"),
        sw.asset_id.label("asset_id"),
        sw.application_id.label("application_id"),
        type_coerce(func.trim(sw.name + " " + sw.version), String(400)).label("component"),
        *(getattr(vm, c).label(c) for c in ("advisory_id", "cve_id", "cve_ids", "path", "criterion", "range",
                                            "matched_version", "steps", "platform", "confidence", "cvss", "kev",
                                            "kev_due", "epss_percentile", "priority_tier", "priority_label")),
        _rank(vm, sw, asset, app).label("priority_rank"),
        vm.priority_rank.label("match_rank"),
        link.id.label("link_id"),
        vm.id.label("match_id"),
        vm.version_id.label("version_id"),
    ]  # fmt: skip


def _joined(stmt: Any, sw: Any, asset: Any, app: Any) -> Any:
    return stmt.outerjoin(asset, asset.id == sw.asset_id).outerjoin(app, app.id == sw.application_id)


def live_for(vm: Any, link: Any) -> Any:
    """Return the condition under which an item linked to vm's version carries vm."""
    hit = (
        exists()
        .where(ScopedHit.match_id == vm.id, ScopedHit.software_id == link.software_id)
        .correlate_except(ScopedHit)
    )
    # A closed match stays on the items it was closed on, not on items that reach the version later.
    still_there = or_(vm.active.is_(True), link.linked_at <= vm.closed_at)
    return and_(or_(vm.scoped.is_(False), hit), still_there)


def _live_arm() -> Any:
    vm, link, t = aliased(VersionMatch), aliased(SoftwareLink), aliased(Triage)
    sw, asset, app = aliased(SoftwareComponent), aliased(Asset), aliased(Application)
    human = and_(t.id.is_not(None), t.status != "open", t.status_by != MATCHER)  # as in live_status()
    reopened = t.status == "open"
    linked = case((vm.first_seen_at > link.linked_at, vm.first_seen_at), else_=link.linked_at)
    first = func.coalesce(t.first_seen_at, linked)
    stmt = select(
        *_columns(vm, link, sw, asset, app),
        case((human, t.status), (vm.active.is_(True), "open"), else_="fixed").label("status"),
        case((human, t.status_reason), (vm.active.is_(True), case((reopened, t.status_reason), else_="")),
             else_=CLOSED_REASON).label("status_reason"),
        case((human, t.status_by), (vm.active.is_(True), case((reopened, t.status_by), else_="")),
             else_=MATCHER).label("status_by"),
        type_coerce(case((human, t.status_at), (vm.active.is_(True), case((reopened, t.status_at))),
                         else_=vm.closed_at), UTCDateTime).label("status_at"),
        type_coerce(first, UTCDateTime).label("first_seen_at"),
        vm.last_seen_at.label("last_seen_at"),
        type_coerce(first, UTCDateTime).label("created_at"),
    ).select_from(vm)  # fmt: skip
    stmt = stmt.join(link, link.version_id == vm.version_id).join(sw, sw.id == link.software_id)
    stmt = stmt.outerjoin(t, and_(t.software_id == link.software_id, t.advisory_id == vm.advisory_id))
    return _joined(stmt, sw, asset, app).where(live_for(vm, link))


def _retired_arm() -> Any:
    """Return findings whose item moved to a version without the advisory: kept through their triage row."""
    vm, link, t = aliased(VersionMatch), aliased(SoftwareLink), aliased(Triage)
    sw, asset, app = aliased(SoftwareComponent), aliased(Asset), aliased(Application)
    now_vm = aliased(VersionMatch)
    live = exists().where(
        now_vm.version_id == link.version_id, now_vm.advisory_id == t.advisory_id, live_for(now_vm, link)
    )
    matcher_closed = t.status == "open"  # an item that left the version cannot stay open
    stmt = select(
        *_columns(vm, link, sw, asset, app),
        case((matcher_closed, literal("fixed")), else_=t.status).label("status"),
        case((matcher_closed, literal(CLOSED_REASON)), else_=t.status_reason).label("status_reason"),
        case((matcher_closed, literal(MATCHER)), else_=t.status_by).label("status_by"),
        t.status_at.label("status_at"),
        type_coerce(func.coalesce(t.first_seen_at, vm.first_seen_at), UTCDateTime).label("first_seen_at"),
        type_coerce(func.coalesce(t.last_seen_at, vm.last_seen_at), UTCDateTime).label("last_seen_at"),
        type_coerce(func.coalesce(t.first_seen_at, vm.first_seen_at), UTCDateTime).label("created_at"),
    ).select_from(t)
    stmt = stmt.join(link, link.software_id == t.software_id).join(sw, sw.id == t.software_id)
    stmt = stmt.join(vm, and_(vm.version_id == t.version_id, vm.advisory_id == t.advisory_id))
    return _joined(stmt, sw, asset, app).where(~live)


FINDINGS = union_all(_live_arm(), _retired_arm()).subquery("vulnerabilities_findings")
RETIRED = _retired_arm().subquery("vulnerabilities_retired_findings")


def live_status(vm: Any, t: Any) -> Any:
    """Return the status of a live finding: a person's decision, else open while the match holds."""
    human = and_(t.id.is_not(None), t.status != "open", t.status_by != MATCHER)
    return case((human, t.status), (vm.active.is_(True), "open"), else_="fixed")


class Finding(Base):
    """A software item matched to an advisory (read-only): why, how sure, how urgent, and its triage status."""

    __table__ = FINDINGS
    __mapper_args__ = {"primary_key": [FINDINGS.c.id]}
    __audit__ = False

    id: Mapped[uuid.UUID]
    org_unit_id: Mapped[uuid.UUID]
    software_id: Mapped[uuid.UUID]
    asset_id: Mapped[uuid.UUID | None]
    application_id: Mapped[uuid.UUID | None]
    component: Mapped[str]
    advisory_id: Mapped[str]
    cve_id: Mapped[str]
    cve_ids: Mapped[list[str]]
    path: Mapped[str]
    criterion: Mapped[str]
    range: Mapped[str]
    matched_version: Mapped[str]
    steps: Mapped[list[str]]
    platform: Mapped[list[str]]
    confidence: Mapped[float]
    cvss: Mapped[float | None]
    kev: Mapped[bool]
    kev_due: Mapped[str]
    epss_percentile: Mapped[float | None]
    priority_tier: Mapped[int]
    priority_label: Mapped[str]
    priority_rank: Mapped[str]
    match_rank: Mapped[str]
    link_id: Mapped[int]
    match_id: Mapped[int]
    version_id: Mapped[int]
    status: Mapped[str]
    status_reason: Mapped[str]
    status_by: Mapped[str]
    status_at: Mapped[dt.datetime | None]
    first_seen_at: Mapped[dt.datetime]
    last_seen_at: Mapped[dt.datetime]
    created_at: Mapped[dt.datetime]

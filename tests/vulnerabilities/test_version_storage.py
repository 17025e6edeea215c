"""Matches stored once per software version and expanded to items when read; triage as an overlay; the migration
that moves asset-level finding rows to this layout and back, with every triage decision intact."""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from tandem.inventory import service as inv
from tandem.inventory.kinds import KINDS
from tandem.inventory.schemas import AssetCreate, SoftwareCreate, SoftwareUpdate
from tandem.platform import events
from tandem.platform.audit.models import AuditEntry
from tandem.platform.auth import service as auth
from tandem.platform.auth.principal import CONSOLE
from tandem.platform.db import migrate
from tandem.platform.db.paging import PageRequest
from tandem.platform.db.uow import unit_of_work
from tandem.vulnerabilities import ingest, matching, service
from tandem.vulnerabilities import matches_repository as mrepo
from tandem.vulnerabilities.models import SoftwareLink, Triage, VersionMatch
from tandem.vulnerabilities.schemas import FindingStatusIn
from tests.support.databases import PG_ENV, drop_database, new_database

DATA = Path(__file__).parent / "data"
OPENSSH = "cpe:2.3:a:openbsd:openssh:9.6:p1:*:*:*:*:*:*"
FIXED = "cpe:2.3:a:openbsd:openssh:9.8:p1:*:*:*:*:*:*"
STILL = "cpe:2.3:a:openbsd:openssh:9.7:p1:*:*:*:*:*:*"
CHROME = "cpe:2.3:a:google:chrome:116.0.5845.100:*:*:*:*:*:*:*"


def _unit(session: Session) -> uuid.UUID:
    root = auth.root_unit(session) or auth.create_unit(session, None, f"Org {uuid.uuid4().hex[:6]}", None)
    return auth.create_unit(session, None, f"Ver-{uuid.uuid4().hex[:6]}", root.id).id


def _software(session: Session, unit: uuid.UUID, name: str, version: str, cpe: str, criticality: str = "medium") -> Any:
    asset = inv.create_record(session, CONSOLE, KINDS["assets"],
                              AssetCreate(hostname=f"h-{uuid.uuid4().hex[:8]}", org_unit_id=unit,
                                          criticality=criticality))  # fmt: skip
    data = SoftwareCreate(name=name, version=version, cpe=cpe, asset_id=asset.id, org_unit_id=unit)
    return inv.create_record(session, CONSOLE, KINDS["software"], data)


def _feeds(session: Session) -> None:
    for kind, rel in (("nvd", "nvd/CVE-2024-6387.json"), ("nvd", "nvd/CVE-2023-4863.json")):
        ingest.import_feed(session, kind, (DATA / rel).read_bytes(), rel, "test")


def _findings(session: Session, **filters: str) -> list[Any]:
    req = PageRequest.parse(service.FINDING_SPEC, {"limit": "500", **filters})
    return list(service.list_findings(session, CONSOLE, req).items)


def test_one_row_per_version_expanded_per_item(session: Session) -> None:
    unit = _unit(session)
    items = [_software(session, unit, "OpenSSH", "9.6p1", OPENSSH, c) for c in ("low", "critical", "high")]
    _feeds(session)
    result = matching.match_now(session, "full")
    assert result["found"] >= 3 and result["new"] >= 3
    ours = [i.id for i in items]
    stored = session.scalars(select(VersionMatch).join(SoftwareLink, SoftwareLink.version_id == VersionMatch.version_id)
                             .where(SoftwareLink.software_id.in_(ours), VersionMatch.advisory_id == "CVE-2024-6387")
                             ).unique().all()  # fmt: skip
    assert len(stored) == 1 and "<9.8" in stored[0].range.replace(" ", "")  # three items, one stored match
    found = _findings(session, advisory_id="CVE-2024-6387", status="open")
    mine = [f for f in found if f.software_id in ours]
    assert len(mine) == 3 and len({f.id for f in mine}) == 3
    # Same priority: the most critical asset first.
    assert [f.software_id for f in mine] == [items[1].id, items[2].id, items[0].id]
    assert all(service.get_finding(session, CONSOLE, f.id).software_id == f.software_id for f in mine)
    # Paging by cursor walks the same rows in the same order.
    req = PageRequest.parse(service.FINDING_SPEC, {"limit": "1", "advisory_id": "CVE-2024-6387"})
    seen, cursor = [], None
    while True:
        one = PageRequest(1, cursor, req.sort, False, req.filters, "", req.spec)
        page = service.list_findings(session, CONSOLE, one)
        seen.extend(f.id for f in page.items)
        if not (cursor := page.next_cursor):
            break
    assert seen == [f.id for f in found]


def test_most_urgent_first_pages_match_the_full_order(session: Session) -> None:
    unit = _unit(session)
    for criticality in ("low", "critical", "high", "medium"):
        _software(session, unit, "OpenSSH", "9.6p1", OPENSSH, criticality)
        _software(session, unit, "Chrome", "116.0.5845.100", CHROME, criticality)
    _feeds(session)
    matching.match_now(session, "full")
    # A filter outside the fast path (path) reads the whole expansion: the reference order.
    reference = [f.id for f in _findings(session, status="open", path="cpe")]
    assert len(reference) == 8 and _findings(session, status="open")[0].kev
    for limit in ("1", "3"):  # 1: the walk over version-match ranks stops early and pages by rank ranges
        seen, cursor = [], None
        while True:
            params = {"limit": limit, "status": "open", **({"cursor": cursor} if cursor else {})}
            page = service.list_findings(session, CONSOLE, PageRequest.parse(service.FINDING_SPEC, params))
            seen.extend(f.id for f in page.items)
            if not (cursor := page.next_cursor):
                break
        assert seen == reference == [f.id for f in _findings(session, status="open")]


def test_triage_is_an_audited_overlay_row(session: Session) -> None:
    unit = _unit(session)
    sw = _software(session, unit, "OpenSSH", "9.6p1", OPENSSH)
    other = _software(session, unit, "OpenSSH", "9.6p1", OPENSSH)
    _feeds(session)
    matching.match_now(session, "full")
    (finding,) = _findings(session, software_id=str(sw.id))
    before = session.scalar(select(func.count()).select_from(Triage)) or 0
    service.set_status(session, CONSOLE, finding.id, FindingStatusIn(status="accepted", reason="compensating ACL"))
    assert (session.scalar(select(func.count()).select_from(Triage)) or 0) == before + 1
    (untouched,) = _findings(session, software_id=str(other.id))
    assert untouched.status == "open" and untouched.status_by == ""
    entry = session.scalars(select(AuditEntry).where(AuditEntry.entity_type == "vulnerabilities_triage")
                            .order_by(AuditEntry.seq.desc())).first()  # fmt: skip
    assert entry is not None and entry.changes["status"][1] == "accepted"


def test_item_moving_versions_keeps_first_seen_and_closes_what_it_left(session: Session) -> None:
    unit = _unit(session)
    stays, leaves = (_software(session, unit, "OpenSSH", "9.6p1", OPENSSH) for _ in range(2))
    _feeds(session)
    matching.match_now(session, "full")
    (first,) = _findings(session, software_id=str(stays.id))
    inv.update_record(session, CONSOLE, KINDS["software"], stays.id, SoftwareUpdate(version="9.7p1", cpe=STILL))
    inv.update_record(session, CONSOLE, KINDS["software"], leaves.id, SoftwareUpdate(version="9.8p1", cpe=FIXED))
    result = matching.match_now(session, "delta")
    assert result["closed"] >= 1
    (still,) = _findings(session, software_id=str(stays.id))
    assert still.status == "open" and still.first_seen_at == first.first_seen_at and "9.7" in still.matched_version
    assert service.get_finding(session, CONSOLE, first.id).id == still.id  # the old id still finds it
    (gone,) = _findings(session, software_id=str(leaves.id), status="fixed")
    assert gone.status_by == matching.MATCHER and "9.6" in gone.matched_version
    # Back on the affected version: the matcher's closure is undone.
    inv.update_record(session, CONSOLE, KINDS["software"], leaves.id, SoftwareUpdate(version="9.6p1", cpe=OPENSSH))
    matching.match_now(session, "delta")
    (back,) = _findings(session, software_id=str(leaves.id))
    assert back.status == "open"
    service.set_status(session, CONSOLE, back.id, FindingStatusIn(status="accepted", reason="isolated host"))
    _assert_counts_match_the_list(session)


def _assert_counts_match_the_list(session: Session) -> None:
    """The summary counts (read from the tables) agree with the expanded findings."""
    every = _findings(session)
    want: dict[str, int] = {"kev_open": sum(1 for f in every if f.kev and f.status == "open")}
    for f in every:
        want[f"status:{f.status}"] = want.get(f"status:{f.status}", 0) + 1
        if f.status == "open":
            want[f"tier:{f.priority_tier}"] = want.get(f"tier:{f.priority_tier}", 0) + 1
    assert service.finding_counts(session, CONSOLE) == want


def test_kev_event_names_each_item_once(session: Session) -> None:
    unit = _unit(session)
    seen: list[Any] = []
    events.subscribe(matching.KEV_MATCH_EVENT, lambda _s, **p: seen.append(p))
    chrome = [_software(session, unit, "Chrome", "116.0.5845.100", CHROME) for _ in range(2)]
    _feeds(session)
    matching.match_now(session, "full")
    ids = {f.id for c in chrome for f in _findings(session, software_id=str(c.id))}
    assert len(ids) == 2 and ids <= {uuid.UUID(i) for p in seen for i in p["finding_ids"]}
    seen.clear()
    matching.match_now(session, "full")  # nothing new: no event
    assert not seen
    late = _software(session, unit, "Chrome", "116.0.5845.100", CHROME)
    matching.match_now(session, "delta")  # an existing KEV match reaches one more item
    (new,) = _findings(session, software_id=str(late.id))
    assert [p["finding_ids"] for p in seen] == [[str(new.id)]]
    _assert_counts_match_the_list(session)


def _snapshot(database: Any, old_table: bool) -> set[tuple[Any, ...]]:
    with unit_of_work(database, readonly=True) as session:
        if old_table:
            rows = session.execute(text("SELECT software_id, advisory_id, status, status_by, status_reason, "
                                        "criterion FROM vulnerabilities_findings"))  # fmt: skip
            return {(uuid.UUID(str(r[0])), *r[1:]) for r in rows}
        return {(f.software_id, f.advisory_id, f.status, f.status_by, f.status_reason, f.criterion)
                for f in _findings(session)}  # fmt: skip


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_migration_moves_findings_and_triage_both_ways(backend: str, tmp_path: Path) -> None:
    if backend == "postgres" and not os.environ.get(PG_ENV):
        pytest.skip(f"PostgreSQL tests need {PG_ENV}")
    database, handle = new_database(backend, tmp_path)
    try:
        with unit_of_work(database) as session:
            unit = _unit(session)
            a, b, c = (_software(session, unit, "OpenSSH", "9.6p1", OPENSSH) for _ in range(3))
            chrome = _software(session, unit, "Chrome", "116.0.5845.100", CHROME)
            _feeds(session)
            matching.match_now(session, "full")
            for sw, status, reason in ((a, "false_positive", "Debian backport"), (chrome, "accepted", "kiosk")):
                (f,) = _findings(session, software_id=str(sw.id))
                service.set_status(session, CONSOLE, f.id, FindingStatusIn(status=status, reason=reason))
            inv.update_record(session, CONSOLE, KINDS["software"], c.id, SoftwareUpdate(version="9.8p1", cpe=FIXED))
            matching.match_now(session, "delta")
        new_layout = _snapshot(database, old_table=False)
        statuses = {(s[0], s[2]) for s in new_layout}
        assert {(a.id, "false_positive"), (chrome.id, "accepted"), (b.id, "open"), (c.id, "fixed")} <= statuses
        migrate.downgrade(database.engine, "0001_vulnerabilities")
        assert _snapshot(database, old_table=True) == new_layout
        migrate.upgrade(database.engine)
        assert _snapshot(database, old_table=False) == new_layout
        with unit_of_work(database) as session:
            counts = mrepo.stored_counts(session)
            assert counts["links"] == 4 and counts["triage"] >= 2
            assert matching.match_now(session, "full")["new"] == 0  # the moved data is what a pass would store
        assert _snapshot(database, old_table=False) == new_layout
    finally:
        drop_database(database, handle)

"""The watch service on a real database: imports are all-or-nothing and remember what was seen, items are
matched to the organisation with reasons, and triage validates its links and permissions."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tandem.platform.audit.models import AuditEntry
from tandem.platform.db.paging import PageRequest
from tandem.platform.errors import InvalidInput, NotFound, PermissionDenied
from tandem.reporting.watch import service
from tandem.reporting.watch.demo import import_samples
from tandem.reporting.watch.models import WatchItem
from tandem.reporting.watch.schemas import TriageIn
from tests.reporting.watch.conftest import World, sample


def _list(session: Session, world: World, **filters: str) -> list[WatchItem]:
    req = PageRequest.parse(service.ITEM_SPEC, {"limit": "500", **filters})
    return list(service.list_items(session, world.viewer, req).items)


def test_kev_import_matches_products_and_remembers_the_catalogue(session: Session, world: World) -> None:
    data = sample("kev-2025.08.25-slice.json")
    result = service.import_document(session, world.analyst, "kev", data, "kev.json")
    assert (result.items, result.new, result.already_seen, result.version) == (155, 155, 0, "2025.08.25")
    webp = service.find_item(session, world.viewer, "CVE-2023-4863")
    assert webp.matched and webp.matches == [{"kind": "product", "target": "Google Chrome",
        "reason": "Google Chromium WebP — the inventory runs Google Chrome"}]  # fmt: skip
    assert service.find_item(session, world.viewer, "CVE-2021-44228").matches[0]["target"] == "log4j-core"
    assert service.find_item(session, world.viewer, "CVE-2025-20337").matches[0]["kind"] == "vendor"  # Cisco ISE
    assert result.matched == len(_list(session, world, source="kev", matched="true"))
    again = service.import_document(session, world.analyst, "kev", data, "kev.json")
    assert (again.new, again.already_seen) == (0, 155) and "not newer" in again.note
    entries = session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "reporting.watch_imported"))  # fmt: skip
    assert entries and entries >= 2


def test_every_sample_imports_and_rules_match_frameworks_and_jurisdictions(session: Session, world: World) -> None:
    assert import_samples(session) == 155 + 2 + 3 + 3 + 4 + 3 + 2
    hipaa = service.find_item(session, world.viewer, "45 CFR 164@2024-06-25")
    reasons = {(m["kind"], m["reason"]) for m in hipaa.matches}
    # (the test database may hold other HIPAA versions too: each adds its own reason)
    assert ("framework", "touches HIPAA (45 CFR 164); HIPAA Security Rule is assessed") in reasons
    assert any(k == "jurisdiction" and r.startswith("US rule on HIPAA; data stores in US: ") and "EHR " in r
               for k, r in reasons)  # fmt: skip
    nis2 = service.find_item(session, world.viewer, "http://data.europa.eu/eli/reg_impl/2024/2690/oj")
    assert [m["kind"] for m in nis2.matches] == ["jurisdiction"] and "FR" in nis2.matches[0]["reason"]
    assert not service.find_item(session, world.viewer, "2024-10855").matched  # FTC rule: no HIPAA, no match
    counts = service.counts(session, world.viewer)
    assert counts.by_source["csaf"] == 2 and counts.by_status["new"] == counts.total
    assert counts.matched == len(_list(session, world, matched="true"))


def test_a_bad_file_stores_nothing_and_names_the_place(session: Session, world: World) -> None:
    doc = json.loads(sample("kev-2025.08.25-slice.json"))
    doc["vulnerabilities"][42]["dateAdded"] = "yesterday"
    with pytest.raises(InvalidInput) as exc:
        service.import_document(session, world.analyst, "kev", json.dumps(doc).encode(), "kev.json")
    assert exc.value.errors[0].location == "kev.json#/vulnerabilities/42/dateAdded"
    assert _list(session, world, source="kev") == []
    with pytest.raises(InvalidInput, match="SHA-512 mismatch"):
        service.import_document(session, world.analyst, "csaf", sample("va-24-254-01.json"), "va.json",
                                sample("icsa-24-081-01.json.sha512"))  # fmt: skip
    with pytest.raises(InvalidInput, match="unknown source format"):
        service.import_document(session, world.analyst, "pdf", b"x", "x.pdf")
    with pytest.raises(PermissionDenied):
        service.import_document(session, world.viewer, "ecfr", sample("ecfr-title-45-part-164-versions.json"), "e")


def test_triage_sets_owner_task_and_links_checked_through_their_domains(session: Session, world: World) -> None:
    service.import_document(session, world.analyst, "federal-register", sample("federal-register-documents.json"),
                            "fr.json")  # fmt: skip
    item = service.find_item(session, world.viewer, "2024-30983")
    body = TriageIn(status="relevant", owner_id=world.person.id, task="Gap-assess the proposed rule",
                    task_due=dt.date(2026, 12, 31), framework_id=world.framework.id, notes="NPRM")  # fmt: skip
    done = service.triage(session, world.analyst, item.id, body)
    assert (done.status, done.owner_id, done.task_due, done.framework_id) == (
        "relevant", world.person.id, dt.date(2026, 12, 31), world.framework.id)  # fmt: skip
    assert done.triaged_by == "ana.analyst" and done.triaged_at is not None
    service.triage(session, world.analyst, item.id, TriageIn(task_done=True))
    assert (done.task_done, done.task, done.status) == (True, "Gap-assess the proposed rule", "relevant")
    with pytest.raises(InvalidInput) as exc:
        service.triage(session, world.analyst, item.id,
                       TriageIn(risk_scenario_id=uuid.uuid4(), owner_id=uuid.uuid4()))  # fmt: skip
    assert {e.location for e in exc.value.errors} == {"body.owner_id", "body.risk_scenario_id"}
    with pytest.raises(PermissionDenied):
        service.triage(session, world.viewer, item.id, TriageIn(status="not_relevant"))
    with pytest.raises(NotFound):
        service.get_item(session, world.viewer, uuid.uuid4())
    assert [i.id for i in _list(session, world, status="relevant")] == [item.id]


def test_rematch_follows_the_inventory(session: Session, world: World) -> None:
    service.import_document(session, world.analyst, "kev", sample("kev-2025.08.25-slice.json"), "kev.json")
    tomcat = service.find_item(session, world.viewer, "CVE-2025-24813")
    assert not tomcat.matched
    from tests.reporting.watch.conftest import make

    make(session, "software", name="Apache Tomcat", vendor="Apache", org_unit_id=world.root,
         cpe="cpe:2.3:a:apache:tomcat:9.0.85:*:*:*:*:*:*:*")  # fmt: skip
    service.rematch(session, world.analyst)
    assert tomcat.matched and tomcat.matches[0]["target"] == "Apache Tomcat"


def test_the_demo_loader_imports_matches_and_triages(session: Session, world: World) -> None:
    from tandem.reporting.watch.demo import load_demo

    load_demo(session, None)
    counts = service.counts(session, world.viewer)
    assert (counts.by_status["relevant"], counts.by_status["not_relevant"]) == (2, 1)
    webp = service.find_item(session, world.viewer, "CVE-2023-4863")
    assert webp.matched and webp.task_due is not None and webp.triaged_by == "system"


def test_a_key_in_two_sources_needs_the_source_named(session: Session, world: World) -> None:
    service.import_document(session, world.analyst, "csaf", sample("va-24-254-01.json"), "va.json")
    service.import_document(session, world.analyst, "rss", sample("cisa-advisories.xml"), "cisa.xml")
    with pytest.raises(InvalidInput, match="is in cisa-advisories, csaf; name the source"):
        service.find_item(session, world.viewer, "VA-24-254-01")
    assert service.find_item(session, world.viewer, "VA-24-254-01", "csaf").cvss == 9.9
    with pytest.raises(NotFound):
        service.find_item(session, world.viewer, "VA-00-000-00")

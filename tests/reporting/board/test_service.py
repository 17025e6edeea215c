"""Board packs on a real database (SQLite and PostgreSQL): the PDF's numbers are the database's, sections degrade
when a domain is empty, drafts are edited then published (immutable, versioned, snapshot-verified), documents
re-render identically from the snapshot, commentary cannot inject anything, and roles are enforced."""

from __future__ import annotations

import datetime as dt
import io
import re
from html.parser import HTMLParser

import pytest
from pypdf import PdfReader
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tandem.compliance.controls import coverage
from tandem.compliance.models import ControlRequirement, Framework, Requirement
from tandem.incidents.models import Incident
from tandem.platform.audit.models import AuditEntry
from tandem.platform.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from tandem.reporting.board import documents, jobs, service
from tandem.reporting.board.content import money
from tandem.reporting.board.models import BoardPack
from tandem.reporting.board.quarters import parse_quarter, quarter_of
from tandem.reporting.board.schemas import BoardPackUpdate, SectionPatch
from tandem.reporting.queries.board import READER
from tandem.risk.models import Run
from tandem.training import status
from tests.reporting.board.conftest import Org

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
QUARTER = quarter_of(NOW.date()).label


def _text(data: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", " ", text)


def _tags(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """Return every element of a document with its attributes (what a browser would act on)."""
    found: list[tuple[str, list[tuple[str, str | None]]]] = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.append((tag, attrs))

    Collector().feed(html)
    return found


def _patch(**sections: dict[str, object]) -> BoardPackUpdate:
    return BoardPackUpdate(sections=[SectionPatch(key=k, **v) for k, v in sections.items()])


def test_pdf_numbers_match_the_database(session: Session, seeded: Org) -> None:
    pack = service.generate_pack(session, seeded.users["cio"], QUARTER, now=NOW)
    text = _text(documents.pdf_bytes(pack))

    run = session.scalars(select(Run).where(Run.status == "succeeded")).one()
    assert run.total is not None
    assert f"Expected annual loss {money(run.total['mean'], 'USD')}" in text
    assert f"1-in-20-year loss {money(run.total['p95'], 'USD')}" in text

    open_incidents = len(list(session.scalars(select(Incident).where(Incident.status != "closed"))))
    assert open_incidents == 3 and f"Open incidents {open_incidents}" in text
    assert "4 incidents reported and 1 closed this quarter; 3 open now." in text

    framework = session.scalars(select(Framework).where(Framework.name == "Board Test Rule")).one()
    counts = coverage.summary(coverage.coverage(session, READER, framework.id))
    assert counts == {"covered": 2, "partial": 1, "gap": 1}
    assert "Board Test Rule coverage 50.0%" in text
    assert "Board Test Rule: 50.0% of 4 requirements covered by implemented controls, 1 partly, 1 not at all." in text

    overall = status.summary(session, None)["overall"]
    assert overall["assigned"] == 4 and overall["rate"] == 0.75
    assert "Training completion 75.0%" in text and "(3 of 4 assignments)" in text
    assert f"Data snapshot SHA-256: {pack.snapshot_sha256}" in text


def test_empty_domains_degrade_to_plain_words(session: Session, org: Org) -> None:
    pack = service.generate_pack(session, org.users["ciso"], QUARTER, now=NOW)
    text = _text(documents.pdf_bytes(pack))
    html = documents.html_text(pack)
    for words in ("No incidents this quarter.", "Cyber risk has not been quantified in money yet",
                  "No controls are mapped to a framework yet", "No vendors are recorded yet.",
                  "No training assignments or phishing campaigns are recorded yet.",
                  "No decision is needed from the board this quarter."):  # fmt: skip
        assert words in text and words in html


def test_html_is_self_contained_and_commentary_is_inert(session: Session, seeded: Org) -> None:
    pack = service.generate_pack(session, seeded.users["cio"], QUARTER, now=NOW)
    evil = "<script>alert(1)</script> {{ 7*7 }} {% raw %} <img src=https://evil.example/x.png>"
    service.update_pack(session, seeded.users["cio"], pack.id, _patch(risk={"commentary": evil}))
    html = documents.html_text(pack)
    assert "<script" not in html.lower()
    tags = _tags(html)
    assert not {"script", "link", "img", "iframe", "object", "embed", "a"} & {tag for tag, _ in tags}
    assert not [(t, a) for t, attrs in tags for a, v in attrs if a in ("src", "href") or "//" in (v or "")]
    assert not re.search(r"url\(|@import", html, re.IGNORECASE)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{ 7*7 }} {% raw %}" in html
    assert html.count("<svg") >= 3  # loss exceedance curve, risk trend, coverage
    text = _text(documents.pdf_bytes(pack))
    assert "<script>alert(1)</script> {{ 7*7 }} {% raw %}" in text  # printed as written, never evaluated


def test_edit_publish_immutable_and_versioned(session: Session, seeded: Org) -> None:
    cio = seeded.users["cio"]
    draft = service.generate_pack(session, cio, QUARTER, now=NOW)
    assert (draft.version, draft.status) == (1, "draft")
    service.update_pack(session, cio, draft.id, _patch(vendors={"included": False}, summary={"commentary": "Q ok"}))
    assert [s["key"] for s in service.included_sections(draft)] == [
        "summary", "strategy", "risk", "compliance", "incidents", "people"]  # fmt: skip
    assert "Vendors and third parties" not in _text(documents.pdf_bytes(draft))
    with pytest.raises(InvalidInput) as bad:
        service.update_pack(session, cio, draft.id, _patch(summary={"included": False}, nonsense={"included": True}))
    assert {e.location for e in bad.value.errors} == {"body.sections.0.included", "body.sections.1.key"}

    again = service.generate_pack(session, cio, QUARTER, now=NOW + dt.timedelta(minutes=5))
    assert again.id == draft.id and again.version == 1  # a draft gets fresh data, keeps its commentary
    assert draft.sections[0]["commentary"] == "Q ok"

    published = service.publish_pack(session, cio, draft.id)
    assert published.status == "published" and published.published_by == cio.username
    with pytest.raises(Conflict, match="published and cannot change"):
        service.update_pack(session, cio, draft.id, _patch(summary={"commentary": "changed"}))
    with pytest.raises(Conflict):
        service.publish_pack(session, cio, draft.id)

    v2 = service.generate_pack(session, cio, QUARTER, now=NOW + dt.timedelta(minutes=10))
    assert (v2.version, v2.status) != (1, "published") and v2.version == 2 and v2.status == "draft"
    assert v2.id != draft.id and v2.sections[0]["commentary"] == "Q ok"
    assert [p.version for p in service.list_packs(session, cio, QUARTER)] == [2, 1]


def test_snapshot_renders_identically_and_is_verified(session: Session, seeded: Org) -> None:
    cio = seeded.users["cio"]
    pack = service.publish_pack(session, cio, service.generate_pack(session, cio, QUARTER, now=NOW).id)
    assert service.digest(pack.snapshot) == pack.snapshot_sha256
    created = session.scalars(select(AuditEntry).where(AuditEntry.entity_id == str(pack.id),
                                                       AuditEntry.action == "create")).one()  # fmt: skip
    recorded = created.changes["snapshot"][1]  # the audit log holds the snapshot's digest, not a copy
    assert recorded.startswith("sha256:") and len(recorded) == 71
    first_pdf, first_html = documents.pdf_bytes(pack), documents.html_text(pack)
    # The world changes after publication: the published pack does not.
    session.execute(update(Incident).values(status="closed"))
    session.expire_all()
    again = service.get_pack(session, cio, pack.id)
    assert documents.pdf_bytes(again) == first_pdf and documents.html_text(again) == first_html
    # A snapshot altered behind Tandem's back is refused.
    session.execute(update(BoardPack).where(BoardPack.id == pack.id)
                    .values(snapshot={**pack.snapshot, "quarter": "1999Q1"}))  # fmt: skip
    session.expire_all()
    with pytest.raises(Conflict, match="does not match its SHA-256"):
        service.verify(service.get_pack(session, cio, pack.id))


def test_roles_and_scope(session: Session, seeded: Org) -> None:
    pack = service.generate_pack(session, seeded.users["ciso"], QUARTER, now=NOW)
    viewer, auditor = seeded.users["viewer"], seeded.users["auditor"]
    assert service.get_pack(session, viewer, pack.id).id == pack.id
    assert [p.id for p in service.list_packs(session, auditor)] == [pack.id]
    for who in (viewer, auditor):
        with pytest.raises(PermissionDenied):
            service.publish_pack(session, who, pack.id)
        with pytest.raises(PermissionDenied):
            service.update_pack(session, who, pack.id, _patch(summary={"commentary": "x"}))
        with pytest.raises(PermissionDenied):
            service.generate_pack(session, who, QUARTER, now=NOW)
    # A viewer of one unit does not see the organisation-wide pack at all.
    scoped = seeded.users["clinical_viewer"]
    assert list(service.list_packs(session, scoped)) == []
    with pytest.raises(NotFound):
        service.get_pack(session, scoped, pack.id)


def test_quarters_and_scheduled_draft(session: Session, org: Org) -> None:
    assert parse_quarter("2026-q4").label == "2026Q4" and parse_quarter("2026Q1").end == dt.date(2026, 3, 31)
    for bad in ("2026Q5", "Q4 2026", ""):
        with pytest.raises(InvalidInput):
            parse_quarter(bad)
    with pytest.raises(InvalidInput, match="has not started yet"):
        service.generate_pack(session, org.users["cio"], f"{NOW.year + 1}Q1", now=NOW)
    made = service.ensure_current_draft(session, NOW)
    assert made is not None and (made.quarter, made.status, made.generated_by) == (QUARTER, "draft", "scheduled job")
    assert service.ensure_current_draft(session, NOW) is None  # one pack per quarter from the schedule
    assert jobs.NAME == "reporting.generate_board_pack"


def test_frameworks_in_use_are_those_with_controls(session: Session, seeded: Org) -> None:
    pack = service.generate_pack(session, seeded.users["cio"], QUARTER, now=NOW)
    names = {f["name"] for f in pack.snapshot["data"]["compliance"]["frameworks"]}
    linked = select(Framework.name).join(Requirement, Requirement.framework_id == Framework.id).join(
        ControlRequirement, ControlRequirement.requirement_id == Requirement.id)  # fmt: skip
    assert names == set(session.scalars(linked)) == {"Board Test Rule"}

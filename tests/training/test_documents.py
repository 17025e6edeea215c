"""Document courses: an uploaded document (size limit, type sniffed from the bytes, harmless name, inert download)
that a person reads and confirms from their secret link; uploads by API, web form and CLI."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tandem.platform.audit.models import AuditEntry
from tandem.platform.config import get_settings
from tandem.platform.db.uow import set_database, unit_of_work
from tandem.platform.errors import InvalidInput, NotFound
from tandem.training import cli, courses, documents, programs, reminders, status
from tandem.training import repository as repo
from tandem.training.models import Course
from tandem.training.schemas import CourseCreate, ProgramCreate, Rule
from tests.support.live import Live
from tests.training.conftest import Org
from tests.training.test_api import BASE, _ok, _unit_with_people

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
HTML_AS_PDF = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def _document_course(session: Session, org: Org, **extra: Any) -> Course:
    data = {"title": "Acceptable use explained", "format": "document", "org_unit_id": org.root, **extra}
    return courses.create_course(session, None, CourseCreate.model_validate(data))


def _error(exc: pytest.ExceptionInfo[InvalidInput]) -> tuple[str, str]:
    return exc.value.errors[0].location, exc.value.errors[0].reason


def test_upload_checks_storage_and_confirmation(session: Session, org: Org, monkeypatch: pytest.MonkeyPatch) -> None:
    link = courses.create_course(session, None, CourseCreate(title="LMS module", org_unit_id=org.root))
    with pytest.raises(InvalidInput) as caught:
        documents.attach_document(session, None, link.id, PDF, "guide.pdf")
    assert _error(caught) == ("format", "only document courses carry a document (this one is a link)")
    course = _document_course(session, org)
    with pytest.raises(InvalidInput) as caught:
        documents.attach_document(session, None, course.id, HTML_AS_PDF, "guide.pdf")
    assert caught.value.errors[0].location == "file" and "allowed: docx, jpg, odp" in caught.value.errors[0].reason
    with pytest.raises(InvalidInput) as caught:
        documents.attach_document(session, None, course.id, b"", "guide.txt")
    assert _error(caught) == ("file", "the file is empty")
    with monkeypatch.context() as patch, pytest.raises(InvalidInput) as caught:
        patch.setattr(get_settings(), "max_upload_bytes", 20)
        documents.attach_document(session, None, course.id, PDF, "guide.pdf")
    assert _error(caught) == ("file", "file exceeds the 20-byte limit")
    with pytest.raises(NotFound):
        documents.file_of(session, None, course.id)  # nothing uploaded yet

    documents.attach_document(session, None, course.id, PDF, "../../Acceptable use <v2>.pdf")
    assert (course.document_name, course.document_media_type, course.document_size) == (
        "Acceptable use _v2_.pdf", "application/pdf", len(PDF))  # fmt: skip
    assert documents.STORE.path_of(course.document_sha256).read_bytes() == PDF
    assert documents.file_of(session, None, course.id) == (course, PDF)
    headers = documents.download_headers(course)
    assert headers["Content-Disposition"] == (
        "attachment; filename=\"Acceptable use _v2_.pdf\"; filename*=UTF-8''Acceptable%20use%20_v2_.pdf"
    )
    assert headers["X-Content-Type-Options"] == "nosniff"

    program = programs.create_program(session, None, ProgramCreate(
        title="AUP", course_ids=[course.id], audience=[Rule(kind="department", values=["Clinical"])],
        org_unit_id=org.root))  # fmt: skip
    ana = org.people["ana"]
    done = documents.confirm_read(session, ana, course)
    assert (done.passed, done.score, done.source, done.course_version) == (True, None, documents.CONFIRMED_SOURCE, "1")
    rows = {r["person"].full_name: r["status"] for r in status.status_rows(session, None)
            if r["program"].id == program.id}  # fmt: skip
    assert rows == {"Ana Lopez": "completed", "Ben Ode": "due"}
    confirmed = select(AuditEntry.changes).where(AuditEntry.action == "training.document_confirmed",
                                                 AuditEntry.entity_id == str(done.id))  # fmt: skip
    event = session.execute(confirmed).scalar_one()
    assert event["sha256"] == course.document_sha256 and event["document"] == "Acceptable use _v2_.pdf"
    assert courses.find_course(session, None, "acceptable USE explained").id == course.id
    assert repo.courses_by_ids(session, [course.id])[course.id].document_size == len(PDF)


def test_document_course_through_api_secret_link_and_cli(live: Live, tmp_path: Path, smtp_sink: Any) -> None:
    unit, _ = _unit_with_people(live, [("Ana", "Clinical")])
    title = f"Acceptable use {uuid.uuid4().hex[:6]}"
    with live.client("ciso") as client:
        course = _ok(client.post(f"{BASE}/courses", json={"title": title, "format": "document", "org_unit_id": unit}),
                     201)  # fmt: skip
        upload = f"{BASE}/courses/{course['id']}/document"
        bad = client.post(upload, files={"file": ("guide.pdf", HTML_AS_PDF, "application/pdf")})
        assert bad.status_code == 422 and bad.json()["errors"][0]["location"] == "file"
        stored = _ok(client.post(upload, files={"file": ("Guide.pdf", PDF, "application/pdf")}))
        assert (stored["document_name"], stored["document_size"]) == ("Guide.pdf", len(PDF))
        program = _ok(client.post(f"{BASE}/programs", json={"title": "AUP", "course_ids": [course["id"]],
                                                            "audience": [{"kind": "all"}], "org_unit_id": unit,
                                                            "due_days": 3}),
                      201)  # fmt: skip
        [assignment] = _ok(client.get(f"{BASE}/assignments", params={"program_id": program["id"]}))["items"]
    with unit_of_work(live.db) as session:
        reminders.send_reminders(session)
    [mail] = [m for m in smtp_sink.messages if "ana." in m["To"] and title in m.get_content()]
    assert f"- {title} (AUP): due by" in mail.get_content() and "Read it and confirm: " in mail.get_content()
    assert "/p/training/document/" in mail.get_content()
    with live.client("ciso") as client:
        link = _ok(client.post(f"{BASE}/assignments/{assignment['id']}/link"), 201)
        assert link["kind"] == "document" and "/p/training/document/" in link["url"]
    with live.client("viewer") as viewer:
        download = viewer.get(upload)
        assert download.status_code == 200 and download.content == PDF
        disposition = download.headers["content-disposition"]
        assert disposition == "attachment; filename=\"Guide.pdf\"; filename*=UTF-8''Guide.pdf"
        assert download.headers["x-content-type-options"] == "nosniff"
        assert viewer.post(upload, files={"file": ("g.pdf", PDF, "application/pdf")}).status_code == 403
    with live.client("finance-viewer") as outsider:
        assert outsider.get(upload).status_code == 404

    token = link["url"].rsplit("/", 1)[1]
    with live.client() as anonymous:
        page = anonymous.get(f"/p/training/document/{token}")
        assert page.status_code == 200 and "I have read and understood it" in page.text and "Guide.pdf" in page.text
        file = anonymous.get(f"/p/training/document/{token}/file")
        assert file.content == PDF and file.headers["content-disposition"].startswith("attachment")
        done = anonymous.post(f"/p/training/document/{token}")
        assert done.status_code == 200 and "your confirmation that you read and understood" in done.text
        assert anonymous.get(f"/p/training/document/{token}").status_code == 403  # used: the link was withdrawn
        assert anonymous.get(f"/p/training/quiz/{token}").status_code == 404
    with live.client("ciso") as client:
        [completion] = _ok(client.get(f"{BASE}/completions", params={"course_id": course["id"]}))["items"]
        assert completion["source"] == documents.CONFIRMED_SOURCE and completion["passed"] is True

    replacement = tmp_path / "guide-v2.txt"
    replacement.write_text("Version 2: lock your screen when you leave it.\n")
    set_database(live.db)
    try:
        result = CliRunner().invoke(cli.app, ["course-document", title, str(replacement)])
        assert result.exit_code == 0, result.output
        assert f"{title}: stored guide-v2.txt (47 bytes, text/plain)" in result.output
        missing = CliRunner().invoke(cli.app, ["course-document", "No such course", str(replacement)])
        assert isinstance(missing.exception, NotFound)
    finally:
        set_database(None)
    with unit_of_work(live.db) as session:
        assert session.get(Course, uuid.UUID(course["id"])).document_name == "guide-v2.txt"  # type: ignore[union-attr]

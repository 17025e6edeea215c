"""Hostile inputs through every import and upload entry point of the REST API (and the CLI-only risk import).

Every entry point is listed in entry_points(); a meta-test fails when the OpenAPI document grows an import or
upload route that is not listed (the web forms' import pages call the same services and are not sent here).
Each gets XML entity attacks, archive bombs, archive traversal, an oversized body and a recursion bomb: the
answer must be a located 4xx (never a 5xx, never a leak of /etc/passwd) and leave no trace (no audit entry, so
no record was written), or, for opaque document stores, a harmless stored blob. Formula and markup payloads
that are legitimate data must come back escaped in exports and pages.
"""

from __future__ import annotations

import csv
import io
import socket
import time
import uuid
from dataclasses import dataclass, field

import httpx
import pytest
from sqlalchemy import func, select

from tandem.platform.audit.models import AuditEntry
from tandem.platform.config import get_settings
from tandem.platform.db.uow import unit_of_work
from tandem.platform.errors import TandemError
from tandem.platform.jobs import service as jobs
from tandem.platform.jobs.models import Job
from tandem.platform.safety.errors import UnsafeInput
from tests.security import hostile
from tests.security.spec import openapi
from tests.support.live import Live

ASVS_INPUT = ("V1.5.1", "V5.2.1", "V5.2.3", "V2.2.1", "V15.2.2")


@dataclass(frozen=True)
class Entry:
    """One import/upload route: how to send a file to it, and whether it stores opaque documents."""

    path: str
    params: dict[str, str] = field(default_factory=dict)
    form: dict[str, str] | None = None  # multipart form fields (the file goes in "file"); None = raw body
    document_store: bool = False  # keeps uploaded files as opaque blobs (never unpacks or parses them)


def entry_points(ids: dict[str, str]) -> dict[str, Entry]:
    """Return every import/upload route with the ids it needs filled in."""
    unit = ids["unit"]
    return {
        "inventory assets": Entry("/api/v1/inventory/imports", {"kind": "assets", "unit_id": unit}),
        "inventory sbom": Entry("/api/v1/inventory/imports", {"kind": "sbom", "unit_id": unit}),
        "vulnerability feed nvd": Entry("/api/v1/vulnerabilities/feeds/imports", {"kind": "nvd"}),
        "vulnerability feed osv": Entry("/api/v1/vulnerabilities/feeds/imports", {"kind": "osv"}),
        "compliance catalog": Entry("/api/v1/compliance/frameworks/imports", {"format": "catalog"}),
        "compliance profile": Entry("/api/v1/compliance/frameworks/imports", {"format": "profile"}),
        "compliance simple": Entry("/api/v1/compliance/frameworks/imports", {"format": "simple", "key": "h"}),
        "compliance mappings": Entry(
            "/api/v1/compliance/mappings/imports", {"source": str(uuid.uuid4()), "target": str(uuid.uuid4())}
        ),
        "compliance evidence": Entry(
            "/api/v1/compliance/evidence/files", form={"org_unit_id": unit}, document_store=True
        ),
        "access identities": Entry("/api/v1/access/imports", {"kind": "identities", "unit_id": unit}),
        "access activity": Entry("/api/v1/access/imports", {"kind": "activity", "unit_id": unit}),
        "monitoring scan": Entry("/api/v1/monitoring/scans/imports", {"org_unit_id": unit}),
        "vendor contracts": Entry("/api/v1/vendors/contracts/import", form={"org_unit_id": unit}),
        "vendor questionnaire": Entry(
            "/api/v1/vendors/questionnaires/import", form={"org_unit_id": unit, "name": "Hostile questionnaire"}
        ),
        "vendor document": Entry("/api/v1/vendors/documents", form={"vendor_id": ids["vendor"]}, document_store=True),
        "training course document": Entry(
            f"/api/v1/training/courses/{ids['course']}/document", form={}, document_store=True
        ),
        "training completions": Entry("/api/v1/training/imports", {"kind": "completions"}),
        "training phishing": Entry("/api/v1/training/imports", {"kind": "phishing", "campaign": "Hostile"}),
        "strategy initiatives": Entry("/api/v1/strategy/imports", {"org_unit_id": unit}),
        "incident evidence": Entry(
            f"/api/v1/incidents/incidents/{ids['incident']}/evidence", form={}, document_store=True
        ),
        "network audit evidence": Entry(
            f"/api/v1/monitoring/audits/{ids['audit']}/results",
            form={"item_key": "admin-interfaces", "result": "fail", "note": "hostile evidence"},
            document_store=True,
        ),
        "watch csaf": Entry("/api/v1/reporting/watch/imports", {"source": "csaf"}),
        "watch rss": Entry("/api/v1/reporting/watch/imports", {"source": "rss"}),
        "watch kev": Entry("/api/v1/reporting/watch/imports", {"source": "kev"}),
    }


PAYLOADS: dict[str, tuple[str, bytes | None]] = {
    "xxe": ("hostile.xml", hostile.XXE),
    "billion laughs": ("hostile.xml", hostile.BILLION_LAUGHS),
    "xinclude": ("hostile.xml", hostile.XINCLUDE),
    "zip bomb": ("hostile.xlsx", None),  # built once per module (64 MiB inflated)
    "archive traversal": ("hostile.xlsx", hostile.traversal_zip()),
    "gzip bomb": ("feed.json.gz", None),
    "json recursion": ("hostile.json", hostile.deep_json()),
    "binary csv": ("hostile.csv", b"\x00\xff\xfe" * 1000),
}


@pytest.fixture(scope="module")
def bombs() -> dict[str, bytes]:
    return {"zip bomb": hostile.zip_bomb(), "gzip bomb": hostile.gzip_bomb()}


@pytest.fixture(scope="module")
def ids(live: Live) -> dict[str, str]:
    """The records upload routes hang off: a vendor, a course and an incident in the root unit."""
    unit = str(live.units["root"])
    with live.client("admin") as client:
        vendor = client.post("/api/v1/inventory/vendors", json={"name": "Hostile Vendor Ltd", "org_unit_id": unit})
        course = client.post("/api/v1/training/courses", json={"title": "Hostile course", "org_unit_id": unit})
        incident = client.post("/api/v1/incidents/incidents", json={"title": "Hostile", "org_unit_id": unit})
        checklist = client.post("/api/v1/monitoring/checklists/template", params={"org_unit_id": unit})
        audit = client.post(
            "/api/v1/monitoring/audits", json={"checklist_id": checklist.json()["id"], "org_unit_id": unit}
        )
    for made in (vendor, course, incident, checklist, audit):
        assert made.status_code == 201, made.text
    return {
        "unit": unit,
        "vendor": vendor.json()["id"],
        "course": course.json()["id"],
        "incident": incident.json()["id"],
        "audit": audit.json()["id"],
    }


def audit_count(live: Live, excluding: str = "") -> int:
    """Every write leaves an audit entry in its transaction: an unchanged count means nothing was written."""
    query = select(func.count()).select_from(AuditEntry).where(AuditEntry.entity_type != excluding)
    with unit_of_work(live.db, readonly=True) as session:
        return int(session.scalar(query) or 0)


def send(client: httpx.Client, entry: Entry, file_name: str, data: bytes) -> httpx.Response:
    if entry.form is None:
        return client.post(entry.path, params={**entry.params, "file_name": file_name}, content=data)
    return client.post(entry.path, data=entry.form, files={"file": (file_name, data, "application/octet-stream")})


def assert_job_fails_cleanly(live: Live, label: str, job_id: uuid.UUID, inert: bool) -> None:
    """A queued import fails with a located reason in its own rolled-back transaction (only the job row changes);
    an inert payload (XInclude, which no parser here expands) may succeed if nothing leaked into the result."""
    before = audit_count(live, excluding="jobs")
    assert jobs.claim_one(live.db, job_id) == job_id
    outcome = jobs.run_job(live.db, job_id)
    with unit_of_work(live.db, readonly=True) as session:
        job = session.get(Job, job_id)
        assert job is not None
        error, result = job.error or "", f"{job.result} {job.log}"
    assert not any(m.decode() in result for m in hostile.LEAK_MARKERS), f"{label}: leaked a local file"
    if inert and outcome == "succeeded":
        return
    assert outcome != "succeeded", f"{label}: the queued import succeeded"
    assert "hostile" in error or "feed" in error, f"{label}: the job's error names no place: {error[:200]}"
    assert audit_count(live, excluding="jobs") == before, f"{label}: the failed job wrote records"


def assert_refused_or_inert(
    live: Live, entry: Entry, label: str, response: httpx.Response, before: int, inert: bool = False
) -> None:
    """A located 4xx with nothing written; an opaque document store may instead keep the blob unopened."""
    assert response.status_code < 500, f"{label}: {response.status_code} {response.text[:300]}"
    assert not any(m in response.content for m in hostile.LEAK_MARKERS), f"{label}: leaked a local file"
    if entry.document_store and response.status_code in (200, 201):
        return
    if response.status_code == 202 and "job_id" in response.json():
        assert_job_fails_cleanly(live, label, uuid.UUID(response.json()["job_id"]), inert)
        return
    assert 400 <= response.status_code < 500, f"{label}: accepted ({response.status_code}) {response.text[:300]}"
    problem = response.json()
    assert problem.get("detail") or problem.get("errors"), f"{label}: unlocated error {problem}"
    assert audit_count(live) == before, f"{label}: a refused import left audit entries (a partial write)"


ENTRY_NAMES = list(entry_points({"unit": "u", "vendor": "v", "course": "c", "incident": "i", "audit": "a"}))
# Known failures, each written up as a request to the owning domain; strict: a fix turns these into a failure
# that asks for the entry to be removed.
KNOWN_BROKEN: dict[tuple[str, str], str] = {}
CASES = [
    pytest.param(entry, payload, id=f"{entry}-{payload}",
                 marks=[pytest.mark.xfail(strict=True, reason=KNOWN_BROKEN[entry, payload])]
                 if (entry, payload) in KNOWN_BROKEN else [])
    for payload in PAYLOADS for entry in ENTRY_NAMES
]  # fmt: skip


@pytest.mark.parametrize(("entry_name", "payload"), CASES)
@pytest.mark.asvs(*ASVS_INPUT)
def test_entry_point_refuses_hostile_file(
    live: Live, ids: dict[str, str], bombs: dict[str, bytes], entry_name: str, payload: str
) -> None:
    file_name, data = PAYLOADS[payload]
    entry = entry_points(ids)[entry_name]
    before, started = audit_count(live), time.monotonic()
    with live.client("admin") as client:  # a fresh connection: one entry's failure cannot spill into the next
        response = send(client, entry, file_name, data if data is not None else bombs[payload])
    assert time.monotonic() - started < 5, "took too long"
    assert_refused_or_inert(live, entry, f"{entry_name} × {payload}", response, before, inert=payload == "xinclude")


def send_oversize(base_url: str, entry: Entry, token: str, size: int) -> bytes:
    """POST a body of `size` bytes (a raw body only announces it); return the server's answer.

    Raw bodies must be refused from Content-Length alone. Multipart uploads are counted as they stream, so the
    whole oversized file is sent (in 1 MiB writes) and the server may answer and close before the end.
    """
    host, port = base_url.removeprefix("http://").split(":")
    query = "&".join(f"{k}={v}" for k, v in entry.params.items())
    kind = "multipart/form-data; boundary=x" if entry.form is not None else "application/octet-stream"
    head = (
        f"POST {entry.path}?{query} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: {kind}\r\nContent-Length: {size}\r\nConnection: close\r\n\r\n"
    ).encode()
    with socket.create_connection((host, int(port)), timeout=20) as sock:
        if entry.form is None:
            sock.sendall(head + b"x" * 1024)
        else:
            part = b'--x\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n\r\n'
            try:
                sock.sendall(head + part)
                chunk, left = b"x" * hostile.MIB, size - len(part)
                while left > 0:
                    sock.sendall(chunk[:left])
                    left -= len(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the server stopped reading: its answer is waiting
        answer = b""
        try:
            while data := sock.recv(65536):
                answer += data
        except ConnectionResetError:
            pass
    return answer


@pytest.mark.asvs("V5.2.1", "V4.1.1")
def test_oversized_bodies_are_refused(live: Live, ids: dict[str, str]) -> None:
    settings = get_settings()
    for name, entry in entry_points(ids).items():
        limit = settings.max_upload_bytes if entry.form is not None else settings.max_body_bytes
        before = audit_count(live)
        answer = send_oversize(live.base_url, entry, live.tokens["admin"], limit + 1)
        assert answer.startswith((b"HTTP/1.1 413", b"HTTP/1.1 422")), f"{name}: {answer[:300]!r}"
        assert audit_count(live) == before, name


@pytest.mark.asvs("V5.3.2", "V5.4.1")
def test_traversal_file_names_are_neutralised(live: Live, ids: dict[str, str]) -> None:
    names = ("../../../../etc/passwd.txt", "..\\..\\windows\\evil.txt", "a/../../b.txt", "\x00evil.txt")
    with live.client("admin") as client:
        for name, entry in entry_points(ids).items():
            if not entry.document_store:
                continue
            for file_name in names:
                response = send(client, entry, file_name, b"plain text evidence\n")
                assert response.status_code in (201, 200, 400, 413, 415, 422), f"{name}: {response.status_code}"
                if response.status_code < 300:
                    stored = str(response.json())
                    assert "../" not in stored and "..\\" not in stored and "\x00" not in stored, (name, stored)


@pytest.mark.asvs("V1.3.3")
def test_formula_cells_survive_import_and_are_escaped_on_export(live: Live, ids: dict[str, str]) -> None:
    rows = io.StringIO()
    writer = csv.writer(rows)
    writer.writerow(["hostname", "description"])
    for i, cell in enumerate(hostile.FORMULA_CELLS):
        writer.writerow([f"formula-{i}.hostile.test", cell])
    with live.client("admin") as client:
        imported = client.post(
            "/api/v1/inventory/imports",
            params={"kind": "assets", "unit_id": ids["unit"], "file_name": "formulas.csv"},
            content=rows.getvalue().encode(),
        )
        assert imported.status_code in (200, 201), imported.text
        exported = client.get("/api/v1/inventory/exports", params={"kind": "assets", "format": "csv"})
    assert exported.status_code == 200
    found = [r for r in csv.DictReader(io.StringIO(exported.text)) if r["hostname"].startswith("formula-")]
    assert len(found) == len(hostile.FORMULA_CELLS)
    for row in found:
        assert row["description"][0] not in "=+-@\t\r", f"formula left live in export: {row['description']!r}"


@pytest.mark.asvs("V1.2.1", "V3.2.2")
def test_markup_from_an_import_is_escaped_in_pages(live: Live, ids: dict[str, str]) -> None:
    rows = io.StringIO()
    csv.writer(rows).writerows([["hostname", "description"], ["xss.hostile.test", hostile.XSS]])
    with live.client("admin") as client:
        imported = client.post(
            "/api/v1/inventory/imports",
            params={"kind": "assets", "unit_id": ids["unit"], "file_name": "xss.csv"},
            content=rows.getvalue().encode(),
        )
        assert imported.status_code in (200, 201), imported.text
        asset = client.get("/api/v1/inventory/assets", params={"q": "xss.hostile.test"}).json()["items"][0]
    page = live.login("admin-user").get(f"/inventory/assets/{asset['id']}")
    assert page.status_code == 200
    assert "<script>alert(" not in page.text and "<img src=x" not in page.text
    assert "&lt;script&gt;alert(" in page.text


RISK_CASES = [
    pytest.param("hostile.json", hostile.deep_json(), id="json recursion"),
    pytest.param("hostile.csv", b"\x00\xff\xfe" * 1000, id="binary csv"),
    pytest.param("hostile.xml", hostile.XXE, id="xxe"),
    pytest.param("hostile.csv", b"title\n" + hostile.BILLION_LAUGHS, id="billion laughs as csv"),
]  # fmt: skip


@pytest.mark.parametrize(("file_name", "data"), RISK_CASES)
@pytest.mark.asvs("V1.5.1", "V2.2.1")
def test_risk_scenario_import_refuses_hostile_files(live: Live, file_name: str, data: bytes) -> None:
    """Risk scenarios are imported from the CLI only; the service it calls gets the same corpus."""
    from tandem.risk import imports

    before = audit_count(live)
    with pytest.raises((TandemError, UnsafeInput)), unit_of_work(live.db) as session:
        imports.import_scenarios(session, None, data, file_name, live.units["root"])
    assert audit_count(live) == before, file_name


def _upload_routes() -> set[tuple[str, str]]:
    spec = openapi()
    found = set()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            raw_body = method == "post" and path.rstrip("/").endswith(("/imports", "/import"))
            if "multipart/form-data" in content or "application/octet-stream" in content or raw_body:
                found.add((method.upper(), path))
    return found


def test_every_import_and_upload_route_is_in_the_hostile_corpus() -> None:
    placeholders = {
        "unit": "u",
        "vendor": "v",
        "course": "{course_id}",
        "incident": "{incident_id}",
        "audit": "{audit_id}",
    }
    listed = {("POST", e.path) for e in entry_points(placeholders).values()}
    missing = sorted(_upload_routes() - listed)
    assert not missing, f"import/upload routes without hostile-input coverage: {missing}"

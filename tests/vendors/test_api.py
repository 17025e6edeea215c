"""The API and the vendor-facing page on a live server: sending a questionnaire, answering it without an
account (tampered, expired and guessed tokens, bad uploads), scoring and findings; imports; both lenses."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from typing import Any

from openpyxl import Workbook
from sqlalchemy import update

from tandem.platform.api.ratelimit import PUBLIC
from tandem.platform.auth.models import AccessLink
from tandem.platform.db.uow import unit_of_work
from tests.support.live import Live

BASE = "/api/v1/vendors"


def _vendor(live: Live, **extra: Any) -> str:
    with live.client("admin") as c:
        r = c.post("/api/v1/inventory/vendors", json={"name": f"Vendor {uuid.uuid4().hex[:8]}", "country": "US",
                                                      "org_unit_id": str(live.units["it"]), **extra})  # fmt: skip
        assert r.status_code == 201, r.text
        return str(r.json()["id"])


def _questionnaire(live: Live) -> str:
    """Import a three-question XLSX questionnaire and return its name."""
    book = Workbook()
    book.active.append(["ID", "Section", "Question", "Weight"])
    for row in (["Q1", "Access", "MFA for admins?", 3], ["Q2", "Access", "Quarterly reviews?", 2],
                ["Q3", "Data", "Encrypted at rest?", 1]):  # fmt: skip
        book.active.append(row)
    buf = io.BytesIO()
    book.save(buf)
    name = f"Mini {uuid.uuid4().hex[:6]}"
    with live.client("ciso") as c:
        files = {"file": ("mini.xlsx", buf.getvalue())}
        r = c.post(f"{BASE}/questionnaires/import", files=files,
                   data={"name": name, "org_unit_id": str(live.units["root"])})  # fmt: skip
        assert r.status_code == 201, r.text
        assert r.json()["question_count"] == 3 and r.json()["sections"] == ["Access", "Data"]
        bad = c.post(f"{BASE}/questionnaires/import", files={"file": ("bad.csv", b"Question,Weight\nOk?,lots\n")},
                     data={"name": "Bad", "org_unit_id": str(live.units["root"])})  # fmt: skip
        assert bad.status_code == 422 and bad.json()["errors"][0]["location"] == "bad.csv:2: weight"
    return name


def test_vendor_answers_without_an_account_and_findings_follow(live: Live) -> None:
    PUBLIC.reset()
    vendor, name = _vendor(live), _questionnaire(live)
    with live.client("ciso") as c:
        sent = c.post(f"{BASE}/assessments", json={"vendor_id": vendor, "questionnaire": name,
                                                   "contact_email": "sec@vendor.example"})  # fmt: skip
        assert sent.status_code == 201, sent.text
        link = sent.json()["link"]
        assert (
            link.startswith("/p/vendors/q/") and "link" not in c.get(f"{BASE}/assessments/{sent.json()['id']}").json()
        )
    token = link.rsplit("/", 1)[1]
    with live.client() as anon:
        page = anon.get(link)
        assert page.status_code == 200 and "MFA for admins?" in page.text and "Vendor " not in page.text
        assert "no-store" in page.headers["cache-control"] and 'content="no-referrer"' in page.text
        tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
        assert anon.get(f"/p/vendors/q/{tampered}").status_code == 404
        assert anon.get("/p/vendors/q/not-a-token").status_code == 404
        assert anon.get(f"{BASE}/contracts").status_code == 401  # the link opens nothing else
        wrong = anon.post(f"{link}/evidence", data={"question_id": "Q1"},
                          files={"file": ("policy.pdf", b"<html><script>alert(1)</script></html>")})  # fmt: skip
        assert wrong.status_code == 422 and "html" in wrong.text.lower()
        huge = anon.post(f"{link}/evidence", data={"question_id": "Q1"},
                         files={"file": ("big.txt", b"x" * (20 * 1024 * 1024 + 1))})  # fmt: skip
        assert huge.status_code in (413, 422)
        ok = anon.post(f"{link}/evidence", data={"question_id": "Q1"}, files={"file": ("mfa.txt", b"MFA policy v3")})
        assert ok.status_code == 200 and "Uploaded mfa.txt" in ok.text
        partial = anon.post(link, data={"a.Q1": "yes", "action": "submit"})
        assert partial.status_code == 422 and "please answer this question" in partial.text
        done = anon.post(link, data={"a.Q1": "yes", "a.Q2": "no", "c.Q2": "yearly only", "a.Q3": "n/a",
                                     "action": "submit"})  # fmt: skip
        assert done.status_code == 200 and "answers were submitted" in done.text
        assert anon.get(link).status_code == 403  # single use: the link is closed once submitted
    with live.client("viewer") as c:
        got = c.get(f"{BASE}/assessments/{sent.json()['id']}").json()
        assert got["status"] == "submitted" and got["scores"]["sections"] == {"Access": 60.0, "Data": None}
        findings = c.get(f"{BASE}/findings", params={"vendor_id": vendor}).json()["items"]
        assert [(f["question_id"], f["severity"]) for f in findings] == [("Q2", "medium")]
        overview = c.get(f"{BASE}/overview/{vendor}").json()
        assert overview["score"] == 60.0 and overview["open_findings"] == 1


def test_expired_link_and_guessing_are_refused(live: Live) -> None:
    PUBLIC.reset()
    vendor = _vendor(live)
    with live.client("security_analyst") as c:
        sent = c.post(f"{BASE}/assessments", json={"vendor_id": vendor}).json()
    with unit_of_work(live.db) as session:
        session.execute(update(AccessLink).where(AccessLink.subject_id == uuid.UUID(sent["id"]))
                        .values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)))  # fmt: skip
    with live.client() as anon:
        expired = anon.get(sent["link"])
        assert expired.status_code == 403 and "expired" in expired.text
        assert anon.post(sent["link"], data={"a.GOV-1": "yes"}).status_code == 403
        codes = [anon.get(f"/p/vendors/q/{uuid.uuid4().hex[:12]}.{'x' * 43}").status_code for _ in range(32)]
    assert set(codes[:25]) == {404} and codes[-1] == 429
    PUBLIC.reset()


def test_both_lenses_renewals_and_pages(live: Live) -> None:
    vendor = _vendor(live, country="US")
    today = dt.date.today()
    with live.client("cio") as c:
        r = c.post(f"{BASE}/contracts", json={"vendor_id": vendor, "title": "Hosting", "status": "signed",
                                              "end_date": str(today + dt.timedelta(days=70)), "notice_days": 30,
                                              "yearly_value": {"amount": "50000", "currency": "USD"},
                                              "org_unit_id": str(live.units["it"])})  # fmt: skip
        assert r.status_code == 201 and r.json()["notice_deadline"] == str(today + dt.timedelta(days=40))
        assert any(x["id"] == r.json()["id"] for x in c.get(f"{BASE}/renewals", params={"days": 60}).json())
    with live.client("it_analyst") as c:
        assert c.post(f"{BASE}/profiles/{vendor}/tier-override", json={"tier": "high"}).status_code == 403
    with live.client("ciso") as c:
        assert c.post(f"{BASE}/profiles/{vendor}/tier-override", json={"tier": "high"}).status_code == 422
        assert c.post(f"{BASE}/profiles/{vendor}/tier-override", json={"tier": "high", "reason": "admin access"}
                      ).json()["tier_override"] == "high"  # fmt: skip
        assert c.put(f"{BASE}/profiles/{vendor}", json={"network_access": "sideways"}).status_code == 422
        portfolio = {p["vendor_id"]: p for p in c.get(f"{BASE}/portfolio").json()}
        assert portfolio[vendor]["tier"] == "high" and portfolio[vendor]["spend"] == {"USD": 50000.0}
        assert c.get(f"{BASE}/spend").json()["by_vendor"]["USD"]
    with live.client("viewer") as c:
        for path in ("/vendors", f"/vendors/{vendor}", "/vendors/renewals", "/vendors/portfolio",
                     "/vendors/questionnaires", "/home/cio"):  # fmt: skip
            page = c.get(path)
            assert page.status_code == 200, (path, page.text[:300])
        assert "Hosting" in c.get("/home/cio").text
        assert c.get(f"/vendors/{uuid.uuid4()}").status_code == 404
    with live.client("finance-admin") as c:
        assert c.get(f"/vendors/{vendor}").status_code == 404
        assert c.get(f"{BASE}/overview/{vendor}").status_code == 404

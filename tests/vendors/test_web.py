"""The vendor page's forms in a signed-in browser session (CSRF, located errors, the link shown once)."""

from __future__ import annotations

import datetime as dt
import uuid

import httpx

from tests.support.live import Live


def _csrf(client: httpx.Client, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200, page.text[:500]
    return page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def test_vendor_page_forms(live: Live) -> None:
    with live.client("admin") as api:
        body = {"name": f"Form Vendor {uuid.uuid4().hex[:6]}", "org_unit_id": str(live.units["it"])}
        vendor = api.post("/api/v1/inventory/vendors", json=body).json()["id"]
        email = f"owen.{uuid.uuid4().hex[:6]}@example.org"
        person = {"full_name": "Owen Owner", "email": email, "org_unit_id": str(live.units["it"])}
        assert api.post("/api/v1/inventory/people", json=person).status_code == 201
    page = f"/vendors/{vendor}"
    client = live.login("ciso-user")
    try:
        token = _csrf(client, page)
        form = {"csrf_token": token, "title": "Support", "start_date": "2027-01-01", "end_date": "2026-01-01"}
        bad = client.post(f"{page}/contracts", data={**form, "amount": "ten"})
        assert bad.status_code == 422 and "Yearly value —" in bad.text
        bad = client.post(f"{page}/contracts", data=form)
        assert bad.status_code == 422 and "End date — is before the start date" in bad.text
        end = str(dt.date.today() + dt.timedelta(days=200))
        good = client.post(f"{page}/contracts", data={"csrf_token": token, "title": "Support", "end_date": end,
                                                      "notice_days": "90", "amount": "12,500", "currency": "eur",
                                                      "status": "signed", "auto_renew": "on",
                                                      "owner_email": email})  # fmt: skip
        assert good.status_code == 303 and good.headers["location"].startswith(page)
        no_csrf = client.post(f"{page}/tier", data={"tier": "low", "reason": "x"})
        assert no_csrf.status_code == 403
        assert client.post(f"{page}/tier", data={"csrf_token": token, "tier": "low"}).status_code == 422
        assert client.post(f"{page}/tier", data={"csrf_token": token, "tier": "low", "reason": "tokenised data"}
                           ).status_code == 303  # fmt: skip
        upload = client.post(f"{page}/documents", data={"csrf_token": token, "kind": "contract"},
                             files={"file": ("msa.exe", b"MZ\x90\x00" + b"\x00" * 64)})  # fmt: skip
        assert upload.status_code == 422
        sent = client.post(f"{page}/assess", data={"csrf_token": token, "questionnaire": "baseline",
                                                   "contact_email": "sec@vendor.example"})  # fmt: skip
        assert sent.status_code == 200 and "/p/vendors/q/" in sent.text and "shown only once" in sent.text
        shown = client.get(page).text
        assert (
            "12,500 EUR" in shown and "Owen Owner" in shown and "Tandem baseline" in shown and "tokenised data" in shown
        )
        assert "/p/vendors/q/" not in shown
    finally:
        client.close()

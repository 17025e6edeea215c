"""The privacy API and pages on a live server: the RoPA exported as CSV, XLSX and PDF, read back."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook
from pypdf import PdfReader

from tests.support.live import Live

BASE = "/api/v1/privacy"


def test_ropa_export_in_three_formats_and_the_pages(live: Live) -> None:
    with live.client("security_analyst") as api:
        made = api.post(
            f"{BASE}/activities",
            json={
                "name": '=HYPERLINK("x") newsletter',
                "purposes": ["Marketing"],
                "legal_basis": "consent",
                "data_subjects": ["children"],
                "data_categories": ["contact", "health"],
                "transfers": [{"country": "US", "mechanism": "scc"}],
                "org_unit_id": str(live.units["it"]),
            },
        )
        assert made.status_code == 201, made.text
        screen = api.get(f"{BASE}/activities/{made.json()['id']}/prescreen").json()
        assert screen["dpia_required"] and screen["count"] == 2
        rows = list(csv.reader(io.StringIO(api.get(f"{BASE}/ropa/export", params={"format": "csv"}).text)))
        assert rows[0][0] == "Name" and any(r[0].startswith("'=HYPERLINK") for r in rows[1:])
        book = load_workbook(io.BytesIO(api.get(f"{BASE}/ropa/export", params={"format": "xlsx"}).content))
        assert book.active["A1"].value == "Name"
        pdf = PdfReader(io.BytesIO(api.get(f"{BASE}/ropa/export", params={"format": "pdf"}).content))
        assert "newsletter" in "".join(page.extract_text() for page in pdf.pages)
    with live.client("finance-admin") as api:
        assert api.get(f"{BASE}/activities/{made.json()['id']}").status_code == 404
    client = live.login("ciso-user")
    try:
        for path in (
            "/privacy/ropa",
            f"/privacy/activities/{made.json()['id']}",
            "/privacy/dpias",
            "/privacy/activities/new",
        ):
            page = client.get(path)
            assert page.status_code == 200, (path, page.text[:500])
        assert "DPIA is likely required" in client.get(f"/privacy/activities/{made.json()['id']}").text
    finally:
        client.close()

"""Board packs over real HTTP: the REST API by role (create, edit, publish, immutable, downloads, scope) and the
pages (generate as a job with progress, edit commentary with CSRF, publish, download)."""

from __future__ import annotations

import datetime as dt
import uuid

import httpx

from tandem.platform.jobs.service import run_job
from tandem.reporting.board.quarters import quarter_of
from tests.support.live import Live

BASE = "/api/v1/reporting/board-packs"
QUARTER = quarter_of(dt.date.today()).label


def _csrf(client: httpx.Client, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200, page.text[:500]
    return page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def _api(live: Live) -> str:
    with live.client("cio") as cio, live.client("viewer") as viewer, live.client("finance-viewer") as scoped:
        bad = cio.post(BASE, json={"quarter": "2026Q9"})
        assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json")
        assert bad.json()["errors"][0]["location"] == "body.quarter"
        created = cio.post(BASE, json={"quarter": QUARTER})
        assert created.status_code == 201, created.text
        pack = created.json()
        assert pack["status"] == "draft" and len(pack["snapshot_sha256"]) == 64
        assert [s["key"] for s in pack["sections"]][:3] == ["summary", "strategy", "risk"]

        patched = cio.patch(
            f"{BASE}/{pack['id']}",
            json={
                "sections": [
                    {"key": "incidents", "commentary": "All quiet <b>really</b>"},
                    {"key": "vendors", "included": False},
                ]
            },
        )
        assert patched.status_code == 200, patched.text
        assert viewer.get(f"{BASE}/{pack['id']}").json()["sections"][4]["commentary"] == "All quiet <b>really</b>"
        assert viewer.post(f"{BASE}/{pack['id']}/publish").status_code == 403
        assert scoped.get(f"{BASE}/{pack['id']}").status_code == 404
        assert pack["id"] not in [p["id"] for p in scoped.get(BASE).json()["items"]]
        listed = viewer.get(BASE, params={"quarter": QUARTER, "status": "draft"}).json()["items"]
        assert pack["id"] in [p["id"] for p in listed]

        published = cio.post(f"{BASE}/{pack['id']}/publish")
        assert published.status_code == 200 and published.json()["status"] == "published"
        refused = cio.patch(f"{BASE}/{pack['id']}", json={"title": "Changed"})
        assert refused.status_code == 409 and "published" in refused.json()["detail"]

        pdf = viewer.get(f"{BASE}/{pack['id']}/pdf")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
        assert pdf.headers["content-type"] == "application/pdf"
        assert pdf.headers["content-disposition"].startswith("attachment;")
        html = viewer.get(f"{BASE}/{pack['id']}/html")
        assert html.status_code == 200 and html.headers["content-disposition"].startswith("attachment;")
        assert "<script" not in html.text and "All quiet &lt;b&gt;really&lt;/b&gt;" in html.text
        assert viewer.get(f"{BASE}/{pack['id']}/pdf").content == pdf.content  # re-rendered from the snapshot

        v2 = cio.post(BASE, json={"quarter": QUARTER}).json()
        assert (v2["version"], v2["status"]) == (pack_version(cio, pack["id"]) + 1, "draft")
        return str(v2["id"])


def pack_version(client: httpx.Client, pack_id: str) -> int:
    """Return a pack's version number."""
    return int(client.get(f"{BASE}/{pack_id}").json()["version"])


def test_api_and_pages(live: Live) -> None:
    draft = _api(live)
    client = live.login("cio-user")
    try:
        token = _csrf(client, "/reporting/board")
        queued = client.post("/reporting/board/generate", data={"csrf_token": token, "quarter": "2026Q7"})
        assert queued.status_code == 422 and "is not a quarter" in queued.text
        queued = client.post("/reporting/board/generate", data={"csrf_token": token, "quarter": QUARTER})
        assert queued.status_code == 303 and queued.headers["location"].startswith("/jobs/")
        job_id = uuid.UUID(queued.headers["location"].split("?")[0].rsplit("/", 1)[1])
        assert run_job(live.db, job_id) == "succeeded"
        job = client.get(f"/api/v1/jobs/{job_id}").json()
        assert job["progress"] == job["total"] == 6 and job["result"]["pack_id"] == draft

        page = f"/reporting/board/{draft}"
        token = _csrf(client, page)
        too_long = client.post(f"{page}/sections", data={"csrf_token": token, "commentary.summary": "x" * 5001})
        assert too_long.status_code == 422
        saved = client.post(f"{page}/sections", data={"csrf_token": token, "commentary.summary": "Ask: {{ 7*7 }}",
                                                      "included.risk": "on"})  # fmt: skip
        assert saved.status_code == 303
        shown = client.get(page).text
        assert "Ask: {{ 7*7 }}" in shown and 'id="section-strategy"' not in shown  # unchecked = left out
        assert client.post(f"{page}/sections", data={"commentary.summary": "no token"}).status_code == 403
        assert client.post(f"{page}/publish", data={"csrf_token": token}).status_code == 303
        assert 'id="pack-status">published' in client.get(page).text
        assert client.get(f"{page}/pack.pdf").content.startswith(b"%PDF-")
    finally:
        client.close()

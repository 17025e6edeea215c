"""The access API and pages on a live server: imports with located errors, who-can, a campaign with decisions and
evidence reports, the reviewer page's bulk form and the upload form."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.access.world import FILES
from tests.support.live import Live

BASE = "/api/v1/access"


def _world(live: Live) -> dict[str, Any]:
    """Import the small hospital under fresh system keys and a fresh EHR store; return the names used."""
    tag = uuid.uuid4().hex[:6]
    store = f"EHR database {tag}"
    files = {
        k: v.replace("ehr,", f"ehr{tag},").replace("fin,", f"fin{tag},").replace("EHR database", store)
        for k, v in FILES.items()
    }
    with live.client("admin") as admin:
        made = admin.post(
            "/api/v1/inventory/data-stores",
            json={"name": store, "data_categories": ["health"], "org_unit_id": str(live.units["root"])},
        )
        assert made.status_code == 201, made.text
    with live.client("security_analyst") as client:
        for kind, text in files.items():
            response = client.post(
                f"{BASE}/imports", params={"kind": kind, "file_name": f"{kind}.csv"}, content=text.encode()
            )
            assert response.status_code == 201, response.text
    return {"tag": tag, "store": store, "files": files}


def test_imports_who_can_and_a_campaign_with_reports(live: Live) -> None:
    w = _world(live)
    bad = w["files"]["assignments"] + f"ehr{w['tag']},nobody,clinician,,,\n"
    with live.client("security_analyst") as client:
        refused = client.post(f"{BASE}/imports", params={"kind": "assignments", "file_name": "a.csv"}, content=bad)
        reach = client.get(f"{BASE}/who-can", params={"target": w["store"]}).json()
        systems = client.get(f"{BASE}/systems", params={"q": f"ehr{w['tag']}"}).json()["items"]
    assert refused.status_code == 422 and refused.headers["content-type"].startswith("application/problem+json")
    assert {"location": "a.csv:13:account_id", "reason": "no such account on this system"} in refused.json()["errors"]
    assert reach["total"] == 9 and {tuple(r["path"]) for r in reach["rows"]} == {
        ("Clinician", "Read charts"),
        ("Export patients",),
    }
    with live.client("viewer") as viewer:
        assert (
            viewer.post(f"{BASE}/imports", params={"kind": "identities"}, content=b"employee_id\n").status_code == 403
        )

    body = {
        "name": f"EHR review {w['tag']}",
        "scope": {"system_ids": [systems[0]["id"]]},
        "reviewer": "manager",
        "due_date": "2099-01-31",
        "org_unit_id": str(live.units["root"]),
    }
    with live.client("ciso") as ciso:
        camp = ciso.post(f"{BASE}/campaigns", json=body).json()
        items = ciso.get(f"{BASE}/campaigns/{camp['id']}/items").json()
        frank = next(i for i in items if i["context"]["account"] == "frank")
        keep = ciso.post(
            f"{BASE}/campaigns/{camp['id']}/decisions", json={"item_ids": [frank["id"]], "decision": "keep"}
        )
        revoke = ciso.post(
            f"{BASE}/campaigns/{camp['id']}/decisions", json={"item_ids": [frank["id"]], "decision": "revoke"}
        )
        status = ciso.get(f"{BASE}/campaigns/{camp['id']}/status").json()
    assert len(items) == 9 and keep.status_code == 422 and revoke.status_code == 200
    assert status["decisions"]["revoke"] == 1 and status["remediation"]["open"] == 1
    with live.client("auditor") as auditor:
        csv = auditor.get(f"{BASE}/campaigns/{camp['id']}/report.csv")
        pdf = auditor.get(f"{BASE}/campaigns/{camp['id']}/report.pdf")
        assert auditor.post(f"{BASE}/campaigns/{camp['id']}/close").status_code == 403
    assert csv.headers["content-type"].startswith("text/csv") and "frank" in csv.text and "revoke" in csv.text
    assert pdf.content.startswith(b"%PDF")
    with live.client("finance-viewer") as outsider:
        assert outsider.get(f"{BASE}/campaigns/{camp['id']}").status_code == 404


def _csrf(client: httpx.Client, path: str) -> tuple[str, str]:
    page = client.get(path)
    assert page.status_code == 200, page.text[:500]
    return page.text, page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def test_pages_reviewer_bulk_form_and_upload_errors(live: Live) -> None:
    w = _world(live)
    with live.client("ciso") as ciso:
        camp = ciso.post(
            f"{BASE}/campaigns",
            json={
                "name": f"PHI {w['tag']}",
                "scope": {"data_categories": ["PHI"]},
                "due_date": "2099-01-31",
                "org_unit_id": str(live.units["root"]),
            },
        ).json()
    client = live.login("ciso-user")
    try:
        for path in (
            "/access",
            f"/access/who-can?target={w['store']}",
            "/access/findings",
            "/access/identities",
            "/access/accounts?queue=1",
            "/access/campaigns",
            f"/access/campaigns/{camp['id']}",
        ):
            assert client.get(path).status_code == 200, path
        page, token = _csrf(client, f"/access/campaigns/{camp['id']}/review")
        assert "Why it is flagged" in page and "terminated" in page and "/access/static/review.js" in page
        ids = page.split('name="item" value="')[1:3]
        chosen = [i.split('"', 1)[0] for i in ids]
        done = client.post(
            f"/access/campaigns/{camp['id']}/decisions",
            data={"csrf_token": token, "item": chosen, "decision": "reduce", "comment": "too broad"},
        )
        assert done.status_code == 303 and "Reduce" in done.headers["location"]
        _, token = _csrf(client, "/access/imports")
        upload = client.post(
            "/access/imports",
            data={"csrf_token": token, "kind": "identities"},
            files={"file": ("hr.csv", b"employee_id,status\nE1,retired\n", "text/csv")},
        )
        assert upload.status_code == 422 and "hr.csv:2:status" in upload.text
        assert client.get("/access/static/review.js").status_code == 200
    finally:
        client.close()
    with live.client("ciso") as ciso:
        assert ciso.get(f"{BASE}/campaigns/{camp['id']}/status").json()["decisions"]["reduce"] == 2

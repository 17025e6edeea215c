"""The change and delete forms of the training pages on a live server: a program changed, deactivated and deleted;
a completion and an acknowledgement recorded by hand; a course, a policy and a phishing campaign deleted only once
the confirmation box is ticked; errors shown on the form; read-only users cannot post."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import httpx

from tests.support.live import Live

BASE = "/api/v1/training"
DATA = Path(__file__).parent / "data"


def _ok(response: httpx.Response, code: int = 200) -> Any:
    assert response.status_code == code, response.text[:2000]
    return response.json()


def _csrf(html: str) -> str:
    return html.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def _setup(live: Live) -> dict[str, Any]:
    tag = uuid.uuid4().hex[:6]
    with live.client("admin") as api:
        body = {"name": f"Ward {tag}", "parent_id": str(live.units["root"])}
        unit = _ok(api.post("/api/v1/auth/org-units", json=body), 201)["id"]
        emails = {}
        for name, dept in (("ana", "Clinical"), ("ben", "IT")):
            emails[name] = f"{name}.{tag}@acme.example"
            body = {"full_name": f"{name} {tag}", "email": emails[name], "department": dept, "org_unit_id": unit}
            _ok(api.post("/api/v1/inventory/people", json=body), 201)
        course = _ok(api.post(f"{BASE}/courses", json={"title": f"Privacy {tag}", "org_unit_id": unit}), 201)
        program = _ok(api.post(f"{BASE}/programs", json={
            "title": f"Clinical {tag}", "course_ids": [course["id"]], "org_unit_id": unit,
            "audience": [{"kind": "department", "values": ["Clinical"]}]}), 201)  # fmt: skip
        policy = _ok(api.post(f"{BASE}/policies", json={"title": f"AUP {tag}", "org_unit_id": unit}), 201)
        _ok(api.post(f"{BASE}/policies/{policy['id']}/versions", json={"summary": "First"}), 201)
        _ok(api.post(f"{BASE}/policies/{policy['id']}/campaigns", json={"due_date": "2030-01-01"}), 201)
        phish = _ok(api.post(f"{BASE}/imports", params={"kind": "phishing", "file_name": "r.csv", "unit_id": unit,
                                                         "campaign": f"Q3 {tag}"},
                             content=(DATA / "gophish_results.csv").read_bytes()))  # fmt: skip
    return {"tag": tag, "unit": unit, "emails": emails, "course": course["id"], "program": program["id"],
            "policy": policy["id"], "campaign": phish["campaign_id"]}  # fmt: skip


def test_change_record_and_delete_through_the_forms(live: Live) -> None:
    s = _setup(live)
    program_url, course_url = f"/training/programs/{s['program']}", f"/training/courses/{s['course']}"
    web = live.login("ciso-user")
    api = live.client("admin")
    try:
        page = web.get(program_url)
        assert page.status_code == 200 and "Change, deactivate or delete the program" in page.text
        csrf = _csrf(page.text)
        edit = {"csrf_token": csrf, "title": "", "course_ids": s["course"], "due_days": "30"}
        bad = web.post(f"{program_url}/edit", data=edit)
        assert bad.status_code == 422 and 'class="error"' in bad.text
        rule = {"kind": "department", "values": ""}
        bad = web.post(f"{program_url}/edit", data={**edit, "title": "Renamed", **rule})
        assert bad.status_code == 422 and "a department rule needs at least one value" in bad.text
        saved = web.post(f"{program_url}/edit", data={**edit, "title": f"Renamed {s['tag']}", "due_days": "14",
                                                      "kind": "all"})  # fmt: skip
        assert saved.status_code == 303, saved.text[:1000]
        got = _ok(api.get(f"{BASE}{program_url.removeprefix('/training')}"))
        assert (got["title"], got["due_days"], got["audience"][0]["kind"]) == (f"Renamed {s['tag']}", 14, "all")
        assert web.post(f"{program_url}/active", data={"csrf_token": csrf, "active": "no"}).status_code == 303
        assert _ok(api.get(f"{BASE}/programs/{s['program']}"))["active"] is False
        assert "Activate the program again" in web.get(program_url).text

        record = {"csrf_token": csrf, "person": f"ghost.{s['tag']}@acme.example", "date": "2026-03-02", "score": "88"}
        bad = web.post(f"{course_url}/completions", data=record)
        assert bad.status_code == 422 and "nobody with" in bad.text and 'value="88"' in bad.text
        bad = web.post(f"{course_url}/completions", data={**record, "person": s["emails"]["ana"], "score": "120"})
        assert bad.status_code == 422 and "less than or equal to 100" in bad.text
        done = web.post(f"{course_url}/completions", data={**record, "person": s["emails"]["ana"]})
        assert done.status_code == 303
        rows = _ok(api.get(f"{BASE}/completions", params={"course_id": s["course"]}))["items"]
        assert [(r["score"], r["passed"], r["completed_at"][:10]) for r in rows] == [(88.0, True, "2026-03-02")]

        ack_url = f"/training/policies/{s['policy']}/acknowledge"
        assert "Record an acknowledgement of v1 by hand" in web.get("/training/policies").text
        bad = web.post(ack_url, data={"csrf_token": csrf, "person": f"ghost.{s['tag']}@acme.example"})
        assert bad.status_code == 422 and "nobody with" in bad.text
        assert web.post(ack_url, data={"csrf_token": csrf, "person": s["emails"]["ben"]}).status_code == 303
        status = _ok(api.get(f"{BASE}/policies/ack-status"))
        assert next(r for r in status if r["policy_id"] == s["policy"])["acknowledged"] == 1
        again = web.post(ack_url, data={"csrf_token": csrf, "person": s["emails"]["ben"]})
        assert again.status_code == 422 and "already acknowledged" in again.text

        viewer = live.login("viewer-user")
        try:
            denied = viewer.post(f"{course_url}/delete", data={"csrf_token": _csrf(viewer.get(course_url).text),
                                                               "confirm": "yes"})  # fmt: skip
            assert denied.status_code == 403 and "Delete the course" not in viewer.get(course_url).text
        finally:
            viewer.close()
        deletes = {course_url: f"{BASE}/courses/{s['course']}", program_url: f"{BASE}/programs/{s['program']}",
                   f"/training/policies/{s['policy']}": f"{BASE}/policies/{s['policy']}",
                   f"/training/phishing/{s['campaign']}": None}  # fmt: skip
        for page_url, api_url in deletes.items():
            unconfirmed = web.post(f"{page_url}/delete", data={"csrf_token": csrf})
            assert unconfirmed.status_code == 422 and "tick the box to confirm deleting" in unconfirmed.text
            gone = web.post(f"{page_url}/delete", data={"csrf_token": csrf, "confirm": "yes"})
            assert gone.status_code == 303 and "Deleted" in gone.headers["location"], page_url
            if api_url:
                assert api.get(api_url).status_code == 404
        campaigns = _ok(api.get(f"{BASE}/phishing/campaigns"))["campaigns"]
        assert all(c["id"] != s["campaign"] for c in campaigns)
    finally:
        web.close()
        api.close()

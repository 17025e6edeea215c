"""The compliance web forms: controls, mappings, assessments, evidence and POA&M items, through a real server."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.support.live import Live

BASE = "/api/v1/compliance"
_cache: dict[tuple[str, str], Any] = {}


def _csrf(page: str) -> str:
    return page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def _framework(live: Live, key: str, refs: tuple[str, ...]) -> str:
    """Import a tiny framework once per live server; return its id."""
    if (live.base_url, key) not in _cache:
        rows = "".join(f"{r},G,Requirement {r},requirement\n" for r in refs)
        body = f"id,parent_id,title,kind\nG,,Group,group\n{rows}".encode()
        with live.client("ciso") as client:
            params = {"format": "simple", "key": key, "version": "1", "file_name": "fw.csv"}
            response = client.post(f"{BASE}/frameworks/imports", content=body, params=params)
            assert response.status_code == 201, response.text
        _cache[(live.base_url, key)] = response.json()["id"]
    return str(_cache[(live.base_url, key)])


def _requirement_id(live: Live, framework_id: str, ref: str) -> str:
    with live.client("ciso") as client:
        return str(client.get(f"{BASE}/frameworks/{framework_id}/requirements/{ref}").json()["id"])


def _record(live: Live, plural: str, body: dict[str, Any]) -> str:
    with live.client("ciso") as client:
        response = client.post(f"/api/v1/inventory/{plural}", json={**body, "org_unit_id": str(live.units["root"])})
        assert response.status_code == 201, response.text
        return str(response.json()["id"])


def _form(web: httpx.Client, path: str) -> str:
    page = web.get(path)
    assert page.status_code == 200, page.text
    return _csrf(page.text)


def _id_from(response: httpx.Response, prefix: str) -> str:
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert location.startswith(prefix), location
    return location[len(prefix) :].split("?", 1)[0].split("#", 1)[0].split("/", 1)[0]


def test_create_and_edit_a_control(live: Live) -> None:
    fw = _framework(live, "webforms-a", ("R.1", "R.2", "R.3"))
    tag = uuid.uuid4().hex[:6]
    person = _record(live, "people", {"full_name": f"Olive Owner {tag}", "email": f"olive-{tag}@example.com"})
    web = live.login("ciso-user")
    csrf = _form(web, "/compliance/controls/new")
    base = {"csrf_token": csrf, "description": "Single sign-on", "owner_id": person, "status": "implemented",
            "frequency": "monthly", "org_unit_id": str(live.units["it"]), "req_framework": fw}  # fmt: skip
    bad = web.post("/compliance/controls/new", data={**base, "title": "", "req_refs": "R.1 R.9"})
    assert bad.status_code == 422 and 'id="e-req_refs"' in bad.text and "is not a requirement of" in bad.text
    bad = web.post("/compliance/controls/new", data={**base, "title": " ", "req_refs": "R.1"})
    assert bad.status_code == 422 and 'id="e-title"' in bad.text
    bad = web.post("/compliance/controls/new", data={**base, "title": "SSO", "req_refs": "R.1",
                                                     "scope_kind": "person", "scope_id": "not-an-id"})  # fmt: skip
    assert bad.status_code == 422 and 'id="e-scope"' in bad.text
    title = f"SSO {tag}"
    created = web.post("/compliance/controls/new", data={**base, "title": title, "req_refs": "r.1, R.2",
                                                         "scope_kind": "person", "scope_id": person})  # fmt: skip
    control_id = _id_from(created, "/compliance/controls/")
    api = live.client("ciso")
    control = api.get(f"{BASE}/controls/{control_id}").json()
    r1, r2, r3 = (_requirement_id(live, fw, r) for r in ("R.1", "R.2", "R.3"))
    assert control["title"] == title and control["owner_id"] == person and control["frequency"] == "monthly"
    assert set(control["requirement_ids"]) == {r1, r2}
    assert control["scope"] == [{"kind": "person", "id": person}]
    page = web.get(f"/compliance/controls/{control_id}").text
    assert f"Olive Owner {tag}" in page and f'href="/compliance/controls/{control_id}/edit"' in page

    edit = web.get(f"/compliance/controls/{control_id}/edit").text
    assert f'value="{r1}" checked' in edit and f'value="person:{person}" checked' in edit
    saved = web.post(f"/compliance/controls/{control_id}/edit", data={
        "csrf_token": _csrf(edit), "title": title, "description": "", "owner_id": "", "status": "retired",
        "frequency": "annually", "requirement_id": [r2], "req_framework": fw, "req_refs": "R.3"})  # fmt: skip
    assert saved.status_code == 303, saved.text
    control = api.get(f"{BASE}/controls/{control_id}").json()
    assert control["status"] == "retired" and control["owner_id"] is None and control["scope"] == []
    assert set(control["requirement_ids"]) == {r2, r3}
    data = {"csrf_token": _csrf(edit), "title": title, "status": "bogus", "frequency": "daily"}
    bad = web.post(f"/compliance/controls/{control_id}/edit", data=data)
    assert bad.status_code == 422 and 'id="e-status"' in bad.text
    assert api.get(f"{BASE}/controls/{control_id}").json()["frequency"] == "annually"  # nothing was saved


def test_add_edit_and_delete_a_mapping(live: Live) -> None:
    fw_a = _framework(live, "webforms-a", ("R.1", "R.2", "R.3"))
    fw_b = _framework(live, "webforms-b", ("S.1", "S.2"))
    web = live.login("security_analyst-user")
    page_path = f"/compliance/frameworks/{fw_a}/requirements/R.3"
    csrf = _form(web, page_path)
    post = f"{page_path}/mappings"
    base = {"csrf_token": csrf, "target_framework": fw_b, "target_ref": "S.2", "relationship": "subset-of"}
    bad = web.post(post, data={**base, "strength": "11"})
    assert bad.status_code == 422 and 'id="e-strength"' in bad.text
    bad = web.post(post, data={**base, "target_ref": "S.9", "strength": ""})
    assert bad.status_code == 422 and 'id="e-target_ref"' in bad.text
    added = web.post(post, data={**base, "strength": "7", "rationale": "same idea"})
    assert added.status_code == 303 and added.headers["location"].startswith(page_path)
    duplicate = web.post(post, data={**base, "strength": "7"})
    assert duplicate.status_code == 422 and "already mapped" in duplicate.text
    api = live.client("ciso")
    r3 = _requirement_id(live, fw_a, "R.3")
    mapped = api.get(f"{BASE}/requirements/{r3}/mappings").json()["items"]
    assert [(m["ref"], m["relationship"], m["strength"]) for m in mapped] == [("S.2", "subset-of", 7)]
    mapping_id = mapped[0]["mapping_id"]
    assert f"/compliance/mappings/{mapping_id}/edit" in web.get(page_path).text

    edit = web.get(f"/compliance/mappings/{mapping_id}/edit?back={page_path}").text
    data = {"csrf_token": _csrf(edit), "back": page_path, "relationship": "intersects-with", "rationale": "partly"}
    bad = web.post(f"/compliance/mappings/{mapping_id}/edit", data={**data, "strength": "many"})
    assert bad.status_code == 422 and 'id="e-strength"' in bad.text
    saved = web.post(f"/compliance/mappings/{mapping_id}/edit", data={**data, "strength": "3"})
    assert saved.status_code == 303 and saved.headers["location"].startswith(page_path)
    mapping = api.get(f"{BASE}/mappings/{mapping_id}").json()
    assert (mapping["relationship"], mapping["strength"], mapping["rationale"]) == ("intersects-with", 3, "partly")
    gone = web.post(f"/compliance/mappings/{mapping_id}/delete", data={"csrf_token": data["csrf_token"]})
    assert gone.status_code == 303
    assert api.get(f"{BASE}/mappings/{mapping_id}").status_code == 404


def test_start_assessments_and_add_evidence(live: Live) -> None:
    fw = _framework(live, "webforms-a", ("R.1", "R.2", "R.3"))
    web = live.login("ciso-user")
    csrf = _form(web, "/compliance/assessments/new")
    base = {"csrf_token": csrf, "framework_id": fw, "org_unit_id": str(live.units["it"]), "scope": "All of IT"}
    bad = web.post("/compliance/assessments/new", data={**base, "title": ""})
    assert bad.status_code == 422 and 'id="e-title"' in bad.text
    first = _id_from(web.post("/compliance/assessments/new", data={**base, "title": "First"}),
                     "/compliance/assessments/")  # fmt: skip
    api = live.client("ciso")
    results = api.get(f"{BASE}/assessments/{first}/results").json()["items"]
    assert len(results) == 3
    assert api.patch(f"{BASE}/assessments/{first}/results/R.1", json={"result": "satisfied"}).status_code == 200
    second = _id_from(web.post("/compliance/assessments/new", data={**base, "title": "Second",
                                                                    "prefill_from_id": first}),
                      "/compliance/assessments/")  # fmt: skip
    assessment = api.get(f"{BASE}/assessments/{second}").json()
    assert assessment["prefilled_from_id"] == first and assessment["scope"] == "All of IT"

    result_id = results[0]["id"]
    path = f"/compliance/assessments/{first}/results/{result_id}/evidence"
    assert path in web.get(f"/compliance/assessments/{first}").text
    csrf = _form(web, path)
    ev = {"csrf_token": csrf, "valid_from": "2026-01-01", "valid_until": "2026-12-31"}
    bad = web.post(path, data={**ev, "kind": "link", "title": "Policy", "url": "javascript:alert(1)"})
    assert bad.status_code == 422 and 'id="e-url"' in bad.text
    bad = web.post(path, data={**ev, "kind": "note", "title": "Note", "valid_until": "2025-01-01"})
    assert bad.status_code == 422 and 'id="e-valid_until"' in bad.text
    bad = web.post(
        path,
        data={**ev, "kind": "file", "title": "Page"},
        files={"file": ("page.txt", b"<html><script>alert(1)</script></html>", "text/plain")},
    )
    assert bad.status_code == 422 and 'id="e-file"' in bad.text
    bad = web.post(path, data={**ev, "kind": "file"})
    assert bad.status_code == 422 and "choose a file" in bad.text
    ok = web.post(path, data={**ev, "kind": "link", "title": "Policy", "url": "https://example.com/policy"})
    assert ok.status_code == 303, ok.text
    ok = web.post(path, data={**ev, "kind": "note", "title": "Interview", "note": "Asked the admins."})
    assert ok.status_code == 303, ok.text
    ok = web.post(
        path,
        data={**ev, "kind": "file", "title": ""},
        files={"file": ("log.csv", b"when,who\n2026-01-02,alice\n", "text/csv")},
    )
    assert ok.status_code == 303, ok.text
    items = api.get(f"{BASE}/evidence", params={"result_id": result_id}).json()["items"]
    assert sorted((i["kind"], i["title"]) for i in items) == [
        ("file", "log.csv"), ("link", "Policy"), ("note", "Interview")]  # fmt: skip
    assert all(i["valid_until"] == "2026-12-31" for i in items)
    assert "log.csv" in web.get(path).text


def test_open_and_update_poam_items(live: Live) -> None:
    web = live.login("security_analyst-user")
    tag = uuid.uuid4().hex[:6]
    person = _record(live, "people", {"full_name": f"Pat Fixer {tag}", "email": f"pat-{tag}@example.com"})
    csrf = _form(web, "/compliance/poam/new")
    base = {"csrf_token": csrf, "milestone": "Enable MFA", "due_date": "2027-03-31", "owner_id": person,
            "status": "open", "org_unit_id": str(live.units["it"])}  # fmt: skip
    bad = web.post("/compliance/poam/new", data={**base, "weakness": ""})
    assert bad.status_code == 422 and 'id="e-weakness"' in bad.text
    bad = web.post("/compliance/poam/new", data={**base, "weakness": "x", "due_date": "someday"})
    assert bad.status_code == 422 and 'id="e-due_date"' in bad.text
    created = web.post("/compliance/poam/new", data={**base, "weakness": f"No MFA {tag}"})
    assert created.status_code == 303, created.text
    location = created.headers["location"]
    assert location.startswith("/compliance/poam?flash=") and "#p-" in location
    item_id = location.split("#p-", 1)[1]
    api = live.client("ciso")
    item = api.get(f"{BASE}/poam-items/{item_id}").json()
    assert item["weakness"] == f"No MFA {tag}" and item["owner_id"] == person and item["due_date"] == "2027-03-31"
    assert f"No MFA {tag}" in web.get("/compliance/poam").text

    edit = web.get(f"/compliance/poam/{item_id}/edit").text
    data = {"csrf_token": _csrf(edit), "weakness": f"No MFA {tag}", "milestone": "Done", "due_date": "",
            "owner_id": "", "status": "closed"}  # fmt: skip
    bad = web.post(f"/compliance/poam/{item_id}/edit", data={**data, "status": "finished"})
    assert bad.status_code == 422 and 'id="e-status"' in bad.text
    assert web.post(f"/compliance/poam/{item_id}/edit", data=data).status_code == 303
    item = api.get(f"{BASE}/poam-items/{item_id}").json()
    assert (item["status"], item["milestone"], item["due_date"], item["owner_id"]) == ("closed", "Done", None, None)


def test_viewers_cannot_open_or_post_the_forms(live: Live) -> None:
    viewer = live.login("viewer-user")
    csrf = _csrf(viewer.get("/compliance/controls").text)
    for path in ("/compliance/controls/new", "/compliance/assessments/new", "/compliance/poam/new"):
        assert viewer.get(path).status_code == 403, path
        denied = viewer.post(path, data={"csrf_token": csrf, "title": "x", "weakness": "x"})
        assert denied.status_code == 403, path
    page = viewer.get("/compliance/controls").text
    assert 'href="/compliance/controls/new"' not in page

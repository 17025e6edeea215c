"""Library forms in the browser's shoes: import frameworks and mappings by upload, edit and delete evidence."""

from __future__ import annotations

import uuid

from tests.compliance.test_web_forms import BASE, _csrf, _form, _framework
from tests.support.live import Live

IMPORT = "/compliance/frameworks/import"


def test_import_a_simple_framework_from_the_browser_all_or_nothing(live: Live) -> None:
    web = live.login("ciso-user")
    csrf = _form(web, IMPORT)
    key = f"policy-{uuid.uuid4().hex[:6]}"
    base = {"csrf_token": csrf, "format": "simple", "key": key, "version": "2026", "name": "Acme policy"}
    bad_csv = b"id,parent_id,title,kind\nG,,Group,group\nP.1,MISSING,Orphan,requirement\n"
    bad = web.post(IMPORT, data=base, files={"file": ("policy.csv", bad_csv, "text/csv")})
    assert bad.status_code == 422, bad.text
    assert "MISSING" in bad.text or "parent" in bad.text
    api = live.client("ciso")
    assert key not in {f["key"] for f in api.get(f"{BASE}/frameworks").json()}
    missing_key = web.post(IMPORT, data={**base, "key": ""}, files={"file": ("p.csv", b"id,title\n", "text/csv")})
    assert missing_key.status_code == 422 and 'id="e-key"' in missing_key.text
    no_file = web.post(IMPORT, data=base)
    assert no_file.status_code == 422 and "choose a file" in no_file.text
    good_csv = (
        b"id,parent_id,title,kind\nG,,Group,group\nP.1,G,Encrypt laptops,requirement\nP.2,G,Review access,requirement\n"
    )
    ok = web.post(IMPORT, data=base, files={"file": ("policy.csv", good_csv, "text/csv")})
    assert ok.status_code == 303, ok.text
    assert ok.headers["location"].startswith("/compliance/frameworks")
    imported = next(f for f in api.get(f"{BASE}/frameworks").json() if f["key"] == key)
    assert (imported["version"], imported["requirement_count"]) == ("2026", 2)


def test_mapping_import_needs_both_frameworks_and_a_valid_file(live: Live) -> None:
    source = _framework(live, "webforms-a", ("R.1", "R.2", "R.3"))
    web = live.login("ciso-user")
    csrf = _form(web, IMPORT)
    data = {"csrf_token": csrf, "format": "mappings", "source": source, "target": ""}
    no_target = web.post(IMPORT, data=data, files={"file": ("map.json", b"{}", "application/json")})
    assert no_target.status_code == 422 and 'id="e-target"' in no_target.text
    broken = web.post(IMPORT, data={**data, "target": source},
                      files={"file": ("map.json", b"{not json", "application/json")})  # fmt: skip
    assert broken.status_code == 422 and "map.json" in broken.text


def test_viewers_cannot_import(live: Live) -> None:
    viewer = live.login("viewer-user")
    assert viewer.get(IMPORT).status_code == 403
    csrf = _csrf(viewer.get("/compliance/frameworks").text)
    assert viewer.post(IMPORT, data={"csrf_token": csrf, "format": "simple"}).status_code == 403
    assert f'href="{IMPORT}"' not in viewer.get("/compliance/frameworks").text


def test_edit_and_delete_evidence_from_its_page(live: Live) -> None:
    fw = _framework(live, "webforms-a", ("R.1", "R.2", "R.3"))
    api = live.client("ciso")
    unit = str(live.units["it"])
    assessment = api.post(f"{BASE}/assessments", json={"framework_id": fw, "title": "Evidence edits",
                                                       "org_unit_id": unit}).json()  # fmt: skip
    result = api.get(f"{BASE}/assessments/{assessment['id']}/results").json()["items"][0]
    created = api.post(f"{BASE}/evidence", json={"kind": "note", "title": "Interview", "note": "Asked admins.",
                                                 "result_id": result["id"], "org_unit_id": unit})  # fmt: skip
    assert created.status_code == 201, created.text
    evidence_id = created.json()["id"]
    web = live.login("ciso-user")
    page = f"/compliance/assessments/{assessment['id']}/results/{result['id']}/evidence"
    assert f"/compliance/evidence/{evidence_id}/edit" in web.get(page).text
    csrf = _form(web, f"/compliance/evidence/{evidence_id}/edit")
    edit = f"/compliance/evidence/{evidence_id}/edit"
    bad = web.post(edit, data={"csrf_token": csrf, "title": "Interview", "valid_from": "2026-06-01",
                               "valid_until": "2026-01-01"})  # fmt: skip
    assert bad.status_code == 422 and 'id="e-valid_until"' in bad.text
    ok = web.post(edit, data={"csrf_token": csrf, "title": "Admin interview", "note": "Asked the two admins.",
                              "valid_from": "2026-01-01", "valid_until": "2026-12-31"})  # fmt: skip
    assert ok.status_code == 303 and ok.headers["location"].startswith(page)
    item = api.get(f"{BASE}/evidence/{evidence_id}").json()
    assert (item["title"], item["note"], item["valid_until"]) == ("Admin interview", "Asked the two admins.",
                                                                  "2026-12-31")  # fmt: skip
    auditor = live.login("auditor-user")
    assert f"/compliance/evidence/{evidence_id}/edit" not in auditor.get(page).text
    assert auditor.post(f"/compliance/evidence/{evidence_id}/delete", data={"csrf_token": csrf}).status_code == 403
    deleted = web.post(f"/compliance/evidence/{evidence_id}/delete", data={"csrf_token": csrf})
    assert deleted.status_code == 303 and deleted.headers["location"].startswith(page)
    assert api.get(f"{BASE}/evidence/{evidence_id}").status_code == 404
    with live.client("auditor") as reader:
        audit = reader.get("/api/v1/audit/entries", params={"entity_id": evidence_id}).json()["items"]
    assert {e["action"] for e in audit} == {"create", "update", "delete"}

"""Systems and segregation-of-duties rules through the web forms: add, edit, located errors, unknown entitlements
marked, delete; read-only roles see no forms and cannot post."""

from __future__ import annotations

import re
import uuid

from tandem.access.web_settings import parse_windows, windows_text
from tests.support.live import Live


def _csrf(html: str) -> str:
    return html.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def test_change_windows_round_trip() -> None:
    windows = parse_windows("Tue 18-22; saturday 0-24")
    assert windows == [{"weekday": 1, "start": 18, "end": 22}, {"weekday": 5, "start": 0, "end": 24}]
    assert windows_text(windows) == "Tue 18-22; Sat 0-24"


def test_systems_and_rules_forms(live: Live) -> None:
    admin = live.login("admin-user")
    page = admin.get("/access/systems")
    assert page.status_code == 200 and "Add a system" in page.text
    key = f"erp{uuid.uuid4().hex[:6]}"
    bad = admin.post("/access/systems", data={"csrf_token": _csrf(page.text), "key": key, "name": "ERP",
                                             "dormant_days": "30", "change_windows": "someday 9-17"})  # fmt: skip
    assert bad.status_code == 422 and "write a day and hours" in bad.text and 'value="someday 9-17"' in bad.text
    made = admin.post("/access/systems", data={"csrf_token": _csrf(page.text), "key": key, "name": "ERP",
                                              "dormant_days": "30", "mfa_enforced": "true",
                                              "change_windows": "Tue 18-22"})  # fmt: skip
    assert made.status_code == 303
    listing = admin.get("/access/systems").text
    system_id = re.search(rf'href="/access/systems/([0-9a-f-]+)">{key}<', listing).group(1)  # type: ignore[union-attr]
    assert "Tue 18-22" in listing
    edit = admin.post(f"/access/systems/{system_id}", data={"csrf_token": _csrf(listing), "name": "ERP prod",
                                                            "dormant_days": "0", "change_windows": ""})  # fmt: skip
    assert edit.status_code == 422 and "greater than or equal to 1" in edit.text
    saved = admin.post(f"/access/systems/{system_id}", data={"csrf_token": _csrf(listing), "name": "ERP prod",
                                                             "dormant_days": "45", "change_windows": ""})  # fmt: skip
    assert saved.status_code == 303
    with live.client("viewer") as client:
        api = client.get(f"/api/v1/access/systems/{system_id}").json()
    assert (api["name"], api["dormant_days"], api["mfa_enforced"], api["change_windows"]) == ("ERP prod", 45, False, [])

    rules = admin.get("/access/sod-rules")
    form = {"csrf_token": _csrf(rules.text), "name": "Vendor and payment", "left": f"{key}:create-vendor",
            "left_mode": "any", "right": f"{key}:approve-payment\n{key}:release-payment", "right_mode": "any",
            "severity": "critical", "enabled": "true"}  # fmt: skip
    added = admin.post("/access/sod-rules", data=form)
    assert added.status_code == 303
    listing = admin.get("/access/sod-rules").text
    assert listing.count("unknown entitlement") >= 3  # nothing is imported for the new system yet
    rule_id = re.search(r'href="/access/sod-rules/([0-9a-f-]+)">Vendor and payment<', listing).group(1)  # type: ignore[union-attr]
    empty = admin.post(f"/access/sod-rules/{rule_id}", data={"csrf_token": _csrf(listing), "name": "Vendor and payment",
                                                            "left": "", "right": f"{key}:x"})  # fmt: skip
    assert empty.status_code == 422
    viewer = live.login("viewer-user")
    assert "Add a rule" not in viewer.get("/access/sod-rules").text
    refused = viewer.post(f"/access/sod-rules/{rule_id}/delete", data={"csrf_token": _csrf(listing)})
    assert refused.status_code in (403, 404)
    gone = admin.post(f"/access/sod-rules/{rule_id}/delete", data={"csrf_token": _csrf(listing)})
    assert gone.status_code == 303 and "Vendor and payment" not in admin.get("/access/sod-rules").text
    assert admin.post(f"/access/systems/{system_id}/delete", data={"csrf_token": _csrf(listing)}).status_code == 303

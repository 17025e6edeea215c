"""The strategy pages render for the CIO, and the initiative form shows located errors and saves."""

from __future__ import annotations

import uuid

from tests.support.live import Live

PAGES = ("/strategy/initiatives", "/strategy/plan", "/strategy/plans", "/strategy/frontier", "/strategy/scenarios",
         "/strategy/rationalisation", "/strategy/decisions", "/strategy/initiatives/new")  # fmt: skip


def _csrf(html: str) -> str:
    return html.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def test_pages_and_form(live: Live) -> None:
    client = live.login("cio-user")
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 200, (path, response.text[:500])
    form = client.get("/strategy/initiatives/new").text
    title = f"Backup immutability {uuid.uuid4().hex[:6]}"
    data = {"csrf_token": _csrf(form), "title": title, "sponsor": "ciso", "status": "candidate",
            "value_mode": "money", "duration": "2", "costs": "1000; 2000; 3000", "staff": "security=1"}  # fmt: skip
    refused = client.post("/strategy/initiatives/new", data=data)
    assert refused.status_code == 422 and "give one figure or one per active quarter (2)" in refused.text
    saved = client.post("/strategy/initiatives/new", data={**data, "costs": "1000; 2000"})
    assert saved.status_code == 303, saved.text
    detail = client.get(saved.headers["location"])
    assert title in detail.text and "1000, 2000" in detail.text
    edit = client.get(saved.headers["location"].split("?")[0] + "/edit")
    assert edit.status_code == 200 and 'value="1000; 2000"' in edit.text

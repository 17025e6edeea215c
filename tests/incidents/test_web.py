"""The incident pages on a live server: open an incident through the form, save facts, see the countdown."""

from __future__ import annotations

import re

from tests.support.live import Live


def _csrf(html: str) -> str:
    return html.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def test_open_an_incident_record_facts_and_see_the_countdown(live: Live) -> None:
    client = live.login("ciso-user")
    try:
        form = client.get("/incidents/new")
        assert form.status_code == 200
        bad = client.post(
            "/incidents/new",
            data={
                "csrf_token": _csrf(form.text),
                "title": "",
                "org_unit_id": str(live.units["it"]),
                "type": "ransomware",
            },
        )
        assert bad.status_code == 422 and 'class="error"' in bad.text
        made = client.post(
            "/incidents/new",
            data={
                "csrf_token": _csrf(form.text),
                "title": "Lost laptop",
                "type": "lost_device",
                "severity": "medium",
                "priority": "high",
                "org_unit_id": str(live.units["it"]),
            },
        )
        assert made.status_code == 303
        url = made.headers["location"].split("?")[0]
        page = client.get(url)
        assert "Remote-wipe or lock the device" in page.text  # the playbook's tasks
        saved = client.post(
            f"{url}/populations",
            data={
                "csrf_token": _csrf(page.text),
                "label": "Laptop",
                "jurisdiction": "DE",
                "count": "12",
                "elements": ["name", "email"],
            },
        )
        assert saved.status_code == 303 and "re-evaluated" in saved.headers["location"]
        page = client.get(url)
        assert re.search(r'id="countdown">\s*<strong>due in \d+ (d|h)', page.text), page.text[:3000]
        assert "Supervisory authority of each member state" in page.text
        added = client.post(
            f"{url}/participants",
            data={"csrf_token": _csrf(page.text), "role": "commander", "name": "Sam Okafor", "email": "sam@acme.test"},
        )
        assert added.status_code == 303 and "Sam Okafor" in client.get(url).text
        rules = client.get("/incidents/rules")
        assert rules.status_code == 200 and "Cal. Civ. Code 1798.82(f)" in rules.text
        rule_id = re.search(r'action="/incidents/rules/([0-9a-f-]+)/toggle"', rules.text).group(1)  # type: ignore[union-attr]
        toggled = client.post(f"/incidents/rules/{rule_id}/toggle", data={"csrf_token": _csrf(rules.text)})
        assert toggled.status_code == 303 and "re-evaluated" in toggled.headers["location"]
        client.post(f"/incidents/rules/{rule_id}/toggle", data={"csrf_token": _csrf(rules.text)})  # back on
        for path in ("/incidents", "/incidents/register"):
            assert client.get(path).status_code == 200, path
        assert "Lost laptop" in client.get("/incidents/register").text
    finally:
        client.close()


def test_a_rule_record_nested_too_deep_is_refused_with_a_reason(live: Live) -> None:
    client = live.login("ciso-user")
    try:
        page = client.get("/incidents/rules")
        sent = client.post("/incidents/rules", data={"csrf_token": _csrf(page.text), "record": "[" * 40_000})
        assert sent.status_code == 303 and "depth" in sent.headers["location"], sent.headers.get("location")
    finally:
        client.close()

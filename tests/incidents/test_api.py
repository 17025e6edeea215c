"""The incident API on a live server: open, add affected people, obligations with countdowns, decision,
register; scope rules (404 outside the unit) and the rule library's admin gate."""

from __future__ import annotations

from tests.support.live import Live

BASE = "/api/v1/incidents"


def test_breach_workflow_over_http(live: Live) -> None:
    with live.client("security_analyst") as api:
        created = api.post(
            f"{BASE}/incidents",
            json={
                "title": "Vendor leak",
                "type": "vendor_breach",
                "org_unit_id": str(live.units["finance"]),
                "discovered_at": "2025-03-03T09:00:00Z",
                "aware_at": "2025-03-03T09:00:00Z",
            },
        )
        assert created.status_code == 201, created.text
        url = f"{BASE}/incidents/{created.json()['id']}"
        bad = api.post(f"{url}/populations", json={"jurisdiction": "California", "count": -1})
        assert bad.status_code == 422
        assert {e["location"].split(".")[-1] for e in bad.json()["errors"]} >= {"jurisdiction", "count"}
        for where, count in (("US-TX", 300), ("FR", 30)):
            added = api.post(
                f"{url}/populations",
                json={"jurisdiction": where, "count": count, "elements": ["name", "ssn", "email", "password"]},
            )
            assert added.status_code == 201, added.text
        patched = api.patch(url, json={"determined_at": "2025-03-04T09:00:00Z"})
        assert patched.json()["earliest_due_at"].startswith("2025-03-06T09:00")
        obligations = api.post(f"{url}/assess").json()["obligations"]
        keys = {(o["rule_key"], o["jurisdiction"]) for o in obligations}
        assert {("us-tx-ag", "US-TX"), ("eu-gdpr-33-each-sa", "FR")} <= keys
        assert all(o["countdown"].startswith(("overdue", "ASAP")) for o in obligations if o["status"] == "open")
        assert api.post(f"{url}/decision", json={"decision": "notify", "rationale": "SSNs"}).status_code == 403
        timeline = api.get(f"{url}/timeline").json()
        assert {"reported", "facts", "assessment"} <= {e["kind"] for e in timeline}
    with live.client("ciso") as api:
        assert api.post(f"{url}/decision", json={"decision": "notify", "rationale": "SSNs"}).status_code == 200
        register = {r["id"]: r for r in api.get(f"{BASE}/register").json()}
        assert register[created.json()["id"]]["decision"] == "notify"
    with live.client("finance-viewer") as api:
        assert api.get(url).status_code == 200
    with live.client("viewer") as api:
        assert api.post(f"{BASE}/rules", json={"record": {}}).status_code == 403


def test_incidents_outside_the_unit_are_not_found(live: Live) -> None:
    with live.client("admin") as api:
        made = api.post(f"{BASE}/incidents", json={"title": "IT only", "org_unit_id": str(live.units["it"])})
    with live.client("finance-admin") as api:
        assert api.get(f"{BASE}/incidents/{made.json()['id']}").status_code == 404
        assert api.get(f"{BASE}/incidents/{made.json()['id']}/obligations").status_code == 404

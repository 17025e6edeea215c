"""A reduce decision with its lesser entitlement through the API (located error, then accepted) and through the
reviewer page's "Reduce to" choice."""

from __future__ import annotations

from tests.access.test_api import BASE, _csrf, _world
from tests.support.live import Live


def test_reduce_target_through_the_api_and_the_reviewer_page(live: Live) -> None:
    w = _world(live)
    with live.client("ciso") as ciso:
        systems = ciso.get(f"{BASE}/systems", params={"q": f"ehr{w['tag']}"}).json()["items"]
        body = {
            "name": f"Reduce {w['tag']}",
            "scope": {"system_ids": [systems[0]["id"]]},
            "reviewer": "manager",
            "due_date": "2099-01-31",
            "org_unit_id": str(live.units["root"]),
        }
        camp = ciso.post(f"{BASE}/campaigns", json=body).json()
        items = ciso.get(f"{BASE}/campaigns/{camp['id']}/items").json()
        ents = ciso.get(f"{BASE}/entitlements", params={"system_id": systems[0]["id"]}).json()["items"]
        by_name = {e["name"]: e["id"] for e in ents}
        bob = next(i for i in items if i["context"]["account"] == "bbrown")
        decide = f"{BASE}/campaigns/{camp['id']}/decisions"
        same = ciso.post(
            decide,
            json={"item_ids": [bob["id"]], "decision": "reduce", "target_entitlement_id": bob["entitlement_id"]},
        )
        ok = ciso.post(
            decide,
            json={"item_ids": [bob["id"]], "decision": "reduce", "target_entitlement_id": by_name["Read charts"]},
        )
        tasks = ciso.get(f"{BASE}/campaigns/{camp['id']}/tasks").json()
    assert same.status_code == 422 and same.json()["errors"][0]["location"] == "body.target_entitlement_id"
    assert ok.status_code == 200 and ok.json()[0]["target_entitlement_id"] == by_name["Read charts"]
    assert [(t["action"], t["target_entitlement_id"]) for t in tasks] == [("reduce", by_name["Read charts"])]

    client = live.login("ciso-user")
    try:
        page, token = _csrf(client, f"/access/campaigns/{camp['id']}/review?reviewer=&all=1")
        assert 'name="target"' in page and page.count("reduce to Read charts") == 1  # Bob's, decided above
        carol = next(i["id"] for i in items if i["context"]["account"] == "carol")
        done = client.post(
            f"/access/campaigns/{camp['id']}/decisions",
            data={"csrf_token": token, "item": [carol], "decision": "reduce", "target": by_name["Read charts"]},
        )
        assert done.status_code == 303 and "Reduce" in done.headers["location"]
        page, _ = _csrf(client, f"/access/campaigns/{camp['id']}/review?reviewer=&all=1")
        assert page.count("reduce to Read charts") == 2
    finally:
        client.close()

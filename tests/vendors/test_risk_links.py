"""The vendor page and its API overview list the risk scenarios that threaten the vendor, within the reader's scope."""

from __future__ import annotations

import uuid

from tests.support.live import Live


def test_vendor_page_links_the_scenarios_the_reader_may_see(live: Live) -> None:
    tag = uuid.uuid4().hex[:6]
    with live.client("admin") as api:
        body = {"name": f"Payroll Vendor {tag}", "org_unit_id": str(live.units["finance"])}
        vendor = api.post("/api/v1/inventory/vendors", json=body).json()["id"]
        made = {}
        for unit, title in (("finance", f"Payroll data leak {tag}"), ("it", f"IT-only vendor outage {tag}")):
            scenario = {"title": title, "org_unit_id": str(live.units[unit]), "likelihood": 2, "impact": 3,
                        "targets": [{"kind": "vendor", "id": vendor}]}  # fmt: skip
            created = api.post("/api/v1/risk/scenarios", json=scenario)
            assert created.status_code == 201, created.text
            made[unit] = created.json()
    inside, outside = made["finance"], made["it"]
    client = live.login("finance-viewer")
    try:
        page = client.get(f"/vendors/{vendor}")
        assert page.status_code == 200, page.text[:300]
        assert f'<a href="/risk/scenarios/{inside["id"]}">{inside["title"]}</a>' in page.text
        assert outside["title"] not in page.text and outside["id"] not in page.text
    finally:
        client.close()
    with live.client("finance-viewer") as api:
        overview = api.get(f"/api/v1/vendors/overview/{vendor}").json()
    assert [r["url"] for r in overview["risk_scenarios"]] == [f"/risk/scenarios/{inside['id']}"]
    with live.client("admin") as api:
        every = api.get(f"/api/v1/vendors/overview/{vendor}").json()["risk_scenarios"]
    assert sorted(r["label"] for r in every) == sorted([inside["title"], outside["title"]])

"""TIME assessments over HTTP: scores place an application on the grid, suggest its quadrant, flag a recorded
disposition that disagrees; bad scores are located errors; scope and roles are enforced."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tandem.compliance.frameworks.shipped import ensure_shipped
from tandem.platform.db.uow import unit_of_work
from tandem.strategy.fit import suggested_disposition
from tests.support.live import Live

BASE = "/api/v1/strategy"


@pytest.mark.parametrize(
    ("business", "technical", "expected"),
    [(4.5, 4, "invest"), (4, 1.5, "migrate"), (2.5, 4.5, "tolerate"), (1, 1, "eliminate"), (3, 3, "invest")],
)
def test_quadrant_of_the_scores(business: float, technical: float, expected: str) -> None:
    assert suggested_disposition(business, technical) == expected


def _app(live: Live, unit: str, disposition: str) -> str:
    with live.client("admin") as client:
        body = {"name": f"App {uuid.uuid4().hex[:8]}", "org_unit_id": str(live.units[unit]),
                "time_disposition": disposition, "run_cost": {"amount": "120000", "currency": "USD"}}  # fmt: skip
        made = client.post("/api/v1/inventory/applications", json=body)
        assert made.status_code == 201, made.text
        return str(made.json()["id"])


def _grid(live: Live, who: str) -> dict[str, Any]:
    with live.client(who) as client:
        response = client.get(f"{BASE}/rationalisation")
        assert response.status_code == 200, response.text
        return dict(response.json())


def test_scores_place_the_application_and_flag_a_disagreement(live: Live) -> None:
    app_id = _app(live, "it", "tolerate")
    before = next(a for a in _grid(live, "viewer")["items"] if a["id"] == app_id)
    assert before["assessed"] is False and before["suggested"] is None
    with live.client("cio") as client:
        put = client.put(f"{BASE}/applications/{app_id}/fit",
                         json={"business_fit": 4.5, "technical_fit": 4.0, "rationale": "grew in Europe"})  # fmt: skip
        assert put.status_code == 200, put.text
        assert put.json()["suggested_disposition"] == "invest"
        assert put.json()["assessed_by"] == "cio-user"
    grid = _grid(live, "viewer")
    after = next(a for a in grid["items"] if a["id"] == app_id)
    assert after["assessed"] is True and (after["business_score"], after["technical_score"]) == (4.5, 4.0)
    assert after["business_fit"] > 0.5 and after["technical_fit"] > 0.5  # the invest quadrant
    assert app_id in grid["disagreements"]
    with live.client("cio") as client:  # re-assessing replaces the scores: now they agree with "tolerate"
        put = client.put(f"{BASE}/applications/{app_id}/fit", json={"business_fit": 2, "technical_fit": 4})
        assert put.status_code == 200, put.text
    grid = _grid(live, "viewer")
    assert app_id not in grid["disagreements"]


def test_bad_scores_roles_and_scope(live: Live) -> None:
    app_id = _app(live, "finance", "migrate")
    with live.client("cio") as client:
        bad = client.put(f"{BASE}/applications/{app_id}/fit", json={"business_fit": 6, "technical_fit": 2.25})
        assert bad.status_code == 422
        assert {"body.business_fit", "body.technical_fit"} == {e["location"] for e in bad.json()["errors"]}
    with live.client("viewer") as client:
        assert client.put(f"{BASE}/applications/{app_id}/fit",
                          json={"business_fit": 3, "technical_fit": 3}).status_code == 403  # fmt: skip
    live.add_user(f"it-cio-{uuid.uuid4().hex[:6]}", "cio", "it")
    outsider = next(name for name in reversed(live.tokens) if name.startswith("it-cio-"))
    with live.client(outsider) as client:
        response = client.put(f"{BASE}/applications/{app_id}/fit", json={"business_fit": 3, "technical_fit": 3})
        assert response.status_code == 404  # the Finance application is outside the IT unit
        assert app_id not in {a["id"] for a in client.get(f"{BASE}/rationalisation").json()["items"]}


def test_assessment_form(live: Live) -> None:
    app_id = _app(live, "it", "eliminate")
    live.add_user(f"form-cio-{uuid.uuid4().hex[:6]}", "cio", "root")
    username = next(name for name in reversed(live.tokens) if name.startswith("form-cio-"))
    client = live.login(username)
    page = client.get(f"/strategy/rationalisation/{app_id}")
    assert page.status_code == 200 and "TIME assessment" in page.text
    csrf = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    bad = client.post(f"/strategy/rationalisation/{app_id}",
                      data={"csrf_token": csrf, "business_fit": "seven", "technical_fit": "2"})  # fmt: skip
    assert bad.status_code == 422 and "enter a number from 1 to 5" in bad.text and 'value="seven"' in bad.text
    form = {"csrf_token": csrf, "business_fit": "1.5", "technical_fit": "2", "rationale": "unused"}
    ok = client.post(f"/strategy/rationalisation/{app_id}", data=form)
    assert ok.status_code == 303 and "/strategy/rationalisation" in ok.headers["location"]
    grid = client.get("/strategy/rationalisation").text
    assert f"/strategy/rationalisation/{app_id}" in grid


def test_compliance_ref_must_name_a_requirement_or_poam_item(live: Live) -> None:
    base = {"title": f"MFA {uuid.uuid4().hex[:6]}", "sponsor": "ciso", "costs": [10_000], "mandatory": True,
            "deadline_quarter": 2, "org_unit_id": str(live.units["it"])}  # fmt: skip
    with unit_of_work(live.db) as session:
        ensure_shipped(session, None, "hipaa-security-rule")
    with live.client("ciso") as client:
        bad = client.post(f"{BASE}/initiatives", json={**base, "compliance_ref": "hipaa-security-rule:999.999"})
        assert bad.status_code == 422, bad.text
        assert bad.json()["errors"][0]["location"] == "body.compliance_ref"
        shape = client.post(f"{BASE}/initiatives", json={**base, "compliance_ref": "just words"})
        assert shape.status_code == 422 and "framework-key:requirement-ref" in shape.text
        missing = client.post(f"{BASE}/initiatives", json={**base, "compliance_ref": f"poam:{uuid.uuid4()}"})
        assert missing.status_code == 422
        ok = client.post(f"{BASE}/initiatives", json={**base, "compliance_ref": "hipaa-security-rule:164.312(d)"})
        assert ok.status_code == 201, ok.text
        page = live.login("cio-user").get(f"/strategy/initiatives/{ok.json()['id']}").text
        assert "/compliance/frameworks/" in page and "164.312(d)" in page

"""DPIA scenario links over HTTP and the CLI: the API refuses an unknown id with its location, the page shows the
picked scenario as a link, and `tandem privacy dpias link/list` use the same rules."""

from __future__ import annotations

import json
import uuid

from typer.testing import CliRunner

from tandem.platform.db.uow import set_database
from tandem.platform.errors import InvalidInput
from tandem.privacy import cli
from tests.support.live import Live


def test_dpia_links_over_api_web_and_cli(live: Live) -> None:
    tag = uuid.uuid4().hex[:6]
    unit = str(live.units["it"])
    with live.client("ciso") as api:
        scenario = api.post("/api/v1/risk/scenarios", json={"title": f"Snooping {tag}", "org_unit_id": unit}).json()
        other = api.post("/api/v1/risk/scenarios", json={"title": f"Outage {tag}", "org_unit_id": unit}).json()
        activity = api.post("/api/v1/privacy/activities", json={"name": f"EHR {tag}", "org_unit_id": unit}).json()
        made = api.post("/api/v1/privacy/dpias", json={"activity_id": activity["id"], "title": f"DPIA {tag}"}).json()
        bad = api.patch(
            f"/api/v1/privacy/dpias/{made['id']}", json={"risk_scenario_ids": [scenario["id"], str(uuid.uuid4())]}
        )
        assert bad.status_code == 422, bad.text
        assert "body.risk_scenario_ids.1" in bad.text and "no visible risk scenario" in bad.text
    page = f"/privacy/dpias/{made['id']}"
    client = live.login("ciso-user")
    try:
        form = client.get(page).text
        assert f'<option value="{scenario["id"]}">Snooping {tag}</option>' in form
        csrf = form.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        saved = client.post(page, data={"csrf_token": csrf, "action": "save", "risk_scenario_ids": scenario["id"]})
        assert saved.status_code == 303
        shown = client.get(page).text
        assert f'<a href="/risk/scenarios/{scenario["id"]}">Snooping {tag}</a>' in shown
        wrong = client.post(page, data={"csrf_token": csrf, "action": "save", "risk_scenario_ids": "not-an-id"})
        assert wrong.status_code == 303 and "risk_scenario_ids" in wrong.headers["location"].replace("+", " ")
    finally:
        client.close()
    with live.client("viewer") as api:
        read = api.get(f"/api/v1/privacy/dpias/{made['id']}").json()
    assert read["risk_scenario_ids"] == [scenario["id"]]
    assert [s["url"] for s in read["risk_scenarios"]] == [f"/risk/scenarios/{scenario['id']}"]
    set_database(live.db)  # the CLI in-process, on the live server's database
    try:
        linked = CliRunner().invoke(cli.app, ["dpias", "link", made["id"], other["id"], "--format", "json"])
        assert linked.exit_code == 0, linked.output
        assert json.loads(linked.output)[0]["risk_scenarios"] == f"Snooping {tag}; Outage {tag}"
        refused = CliRunner().invoke(cli.app, ["dpias", "link", made["id"], str(uuid.uuid4())])
        # In-process the error reaches the runner; `tandem` itself turns it into exit code 2 and one line.
        assert isinstance(refused.exception, InvalidInput)
        assert [e.location for e in refused.exception.errors] == ["body.risk_scenario_ids.2"]
    finally:
        set_database(None)

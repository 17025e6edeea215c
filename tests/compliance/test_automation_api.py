"""Control tests over real HTTP: CRUD with located errors and scope, a queued run executed by the job, results
with their snapshot and hash, drift and the coverage split; the pages; and the CLI in-process."""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from typing import Any

import httpx
from typer.testing import CliRunner

from tandem.compliance import cli
from tandem.platform.db.uow import set_database
from tandem.platform.errors import InvalidInput
from tandem.platform.jobs import service as jobs
from tests.compliance.automation_checks import AT_MOST, PASSES
from tests.support.live import Live

BASE = "/api/v1/compliance"


def _ok(response: httpx.Response, code: int = 200) -> Any:
    assert response.status_code == code, response.text[:2000]
    return response.json() if response.content else None


def _run_job(live: Live, job_id: str) -> None:
    assert jobs.claim_one(live.db, uuid.UUID(job_id)) is not None
    assert jobs.run_job(live.db, uuid.UUID(job_id)) == "succeeded"


def test_control_tests_api_pages_and_cli(live: Live) -> None:
    ciso = live.client("ciso")
    title = f"Owned assets {uuid.uuid4().hex[:6]}"
    control = _ok(ciso.post(f"{BASE}/controls", json={"title": title, "org_unit_id": str(live.units["it"]),
                                                     "status": "implemented"}), 201)  # fmt: skip
    catalogue = _ok(ciso.get(f"{BASE}/checks"))["items"]
    assert any(c["name"] == AT_MOST and c["params"][0]["name"] == "max_controls" for c in catalogue)
    bad = ciso.post(f"{BASE}/control-tests", json={"control_id": control["id"], "check_name": "compliance.nope"})
    assert bad.status_code == 422 and "body.check_name" in bad.text
    bad = ciso.post(f"{BASE}/control-tests", json={"control_id": control["id"], "check_name": AT_MOST,
                                                  "params": {"max_controls": -1}})  # fmt: skip
    assert bad.status_code == 422 and "body.params.max_controls" in bad.text
    test = _ok(ciso.post(f"{BASE}/control-tests", json={"control_id": control["id"], "check_name": PASSES,
                                                        "cadence": "weekly"}), 201)  # fmt: skip
    assert test["check_title"] == "Always passes" and test["last_status"] == "never"
    assert live.client("viewer").post(f"{BASE}/control-tests/runs", json={}).status_code == 403
    assert live.client("finance-viewer").get(f"{BASE}/control-tests/{test['id']}").status_code == 404
    job = _ok(ciso.post(f"{BASE}/control-tests/runs", json={"control_id": control["id"]}), 202)
    assert job["name"] == "compliance.run_control_tests"
    _run_job(live, job["job_id"])
    results = _ok(ciso.get(f"{BASE}/test-results", params={"control_id": control["id"]}))["items"]
    assert [r["status"] for r in results] == ["pass"] and results[0]["trigger"] == "on-demand"
    detail = _ok(ciso.get(f"{BASE}/test-results/{results[0]['id']}"))
    assert detail["snapshot"] == {"columns": ["item", "ok"], "rows": [["one", True]]}
    snapshot = ciso.get(f"{BASE}/evidence/{detail['evidence_id']}/file")
    assert hashlib.sha256(snapshot.content).hexdigest() == detail["sha256"]
    assert _ok(ciso.get(f"{BASE}/evidence/{detail['evidence_id']}"))["kind"] == "automated"
    assert _ok(ciso.patch(f"{BASE}/control-tests/{test['id']}", json={"enabled": False}))["enabled"] is False
    assert "items" in _ok(ciso.get(f"{BASE}/drift"))
    _pages(live, control["id"], test["id"])
    _cli(live, title)
    assert ciso.delete(f"{BASE}/control-tests/{test['id']}").status_code == 204


def _pages(live: Live, control_id: str, test_id: str) -> None:
    """Add a test through the form (an error first), run it now, open its result and the drift page."""
    web = live.login("ciso-user")
    page = web.get(f"/compliance/controls/{control_id}")
    assert page.status_code == 200 and "Automated tests" in page.text and "Always passes" in page.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf is not None
    form = web.get(f"/compliance/controls/{control_id}/tests/new", params={"check_name": AT_MOST})
    assert "At most N controls in scope" in form.text and 'name="p_max_controls"' in form.text
    fields = {"csrf_token": csrf.group(1), "check_name": AT_MOST, "cadence": "daily", "enabled": "on"}
    wrong = web.post(f"/compliance/controls/{control_id}/tests/new", data=fields | {"p_max_controls": "lots"})
    assert wrong.status_code == 422 and 'id="e-p_max_controls"' in wrong.text
    added = web.post(f"/compliance/controls/{control_id}/tests/new", data=fields | {"p_max_controls": "0"})
    assert added.status_code == 303
    shown = web.get(f"/compliance/controls/{control_id}").text
    new_id = re.findall(r"/compliance/control-tests/([0-9a-f-]{36})/run", shown)
    ran = web.post(f"/compliance/control-tests/{new_id[-1]}/run", data={"csrf_token": csrf.group(1)})
    assert ran.status_code == 303
    result = web.get(ran.headers["location"])
    assert result.status_code == 200 and "fail" in result.text and "SHA-256" in result.text
    assert web.get("/compliance/drift").status_code == 200


def _cli(live: Live, title: str) -> None:
    set_database(live.db)
    try:
        runner = CliRunner()
        done = runner.invoke(cli.app, ["test", "--control", title, "--wait", "--format", "json"])
        assert done.exit_code == 0, done.output
        rows = json.loads(done.stdout[done.stdout.index("[") :])
        assert {r["check"] for r in rows} == {AT_MOST} and rows[0]["status"] == "fail"  # the disabled one is skipped
        listed = runner.invoke(cli.app, ["checks", "--format", "json"])
        assert any(c["name"] == PASSES for c in json.loads(listed.stdout))
        assert runner.invoke(cli.app, ["drift"]).exit_code == 0
        missing = runner.invoke(cli.app, ["test", "--control", "No such control"])
        assert isinstance(missing.exception, InvalidInput)  # the top-level CLI prints it as one line, exit code 2
        assert missing.exception.errors[0].location == "--control"
    finally:
        set_database(None)

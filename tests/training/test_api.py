"""The training API and pages on a live server: a quiz link reaches a person by e-mail (real SMTP on loopback),
they pass the quiz without an account; imports are all or nothing; status, acknowledgements and evidence."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import Any

import httpx
from typer.testing import CliRunner

from tandem.platform.db.uow import set_database, unit_of_work
from tandem.training import cli, reminders
from tests.support.live import Live

BASE = "/api/v1/training"
DATA = Path(__file__).parent / "data"
QUESTIONS = [
    {"prompt": "Report a phish with?", "choices": ["Reply", "The Report button"], "correct": [1]},
    {"prompt": "PHI includes?", "choices": ["Diagnosis", "Menu", "Record number"], "correct": [0, 2]},
]


def _ok(response: httpx.Response, code: int = 200) -> Any:
    assert response.status_code == code, response.text[:2000]
    return response.json()


def _unit_with_people(live: Live, names: list[tuple[str, str]]) -> tuple[str, dict[str, str]]:
    with live.client("admin") as client:
        return _add_people(live, client, names)


def _add_people(live: Live, client: httpx.Client, names: list[tuple[str, str]]) -> tuple[str, dict[str, str]]:
    body = {"name": f"Ward {uuid.uuid4().hex[:6]}", "parent_id": str(live.units["root"])}
    unit = _ok(client.post("/api/v1/auth/org-units", json=body), 201)["id"]
    tag = uuid.uuid4().hex[:6]
    people = {}
    for name, dept in names:
        email = f"{name.lower()}.{tag}@acme.example"
        body = {"full_name": name, "email": email, "department": dept, "org_unit_id": unit}
        people[name] = _ok(client.post("/api/v1/inventory/people", json=body), 201)["id"]
    return unit, people


def test_quiz_link_by_email_then_passed_without_an_account(live: Live, smtp_sink: Any) -> None:
    unit, people = _unit_with_people(live, [("Ana", "Clinical"), ("Ben", "Clinical")])
    with live.client("ciso") as client:
        course = _ok(client.post(f"{BASE}/courses", json={"title": "Security basics", "format": "quiz",
                                                          "pass_mark": 100, "questions": QUESTIONS,
                                                          "org_unit_id": unit}), 201)  # fmt: skip
        assert course["question_count"] == 2
        program = _ok(client.post(f"{BASE}/programs", json={"title": "Basics", "course_ids": [course["id"]],
                                                            "audience": [{"kind": "all"}], "due_days": 3,
                                                            "org_unit_id": unit}), 201)  # fmt: skip
        listed = _ok(client.get(f"{BASE}/assignments", params={"program_id": program["id"]}))["items"]
        assert sorted(a["status"] for a in listed) == ["due", "due"]
        policy = _ok(client.post(f"{BASE}/policies", json={"title": "Acceptable use", "org_unit_id": unit}), 201)
        _ok(client.post(f"{BASE}/policies/{policy['id']}/versions", json={"summary": "Adds BYOD"}), 201)
        _ok(client.post(f"{BASE}/policies/{policy['id']}/campaigns", json={"due_date": "2030-01-01"}), 201)
    with unit_of_work(live.db) as session:
        reminders.send_reminders(session)
    mine = sorted((m for m in smtp_sink.messages if "ana." in m["To"]), key=lambda m: str(m["Subject"]))
    assert [m["Subject"] for m in mine] == ["Please acknowledge: Acceptable use", "Training reminder"]
    ack_token = re.search(r"/p/training/ack/(\S+)", mine[0].get_content()).group(1)  # type: ignore[union-attr]
    body = mine[1].get_content()
    assert "Security basics (Basics): due by" in body
    token = re.search(r"/p/training/quiz/(\S+)", body).group(1)  # type: ignore[union-attr]
    with unit_of_work(live.db) as session:  # a second run within the week sends nothing more to Ana
        reminders.send_reminders(session)
    assert len([m for m in smtp_sink.messages if "ana." in m["To"]]) == 2

    with live.client() as anonymous:
        page = anonymous.get(f"/p/training/quiz/{token}")
        assert page.status_code == 200 and "Report a phish with?" in page.text and "Ana" in page.text
        failed = anonymous.post(f"/p/training/quiz/{token}", data={"q0": "1", "q1": "0"})
        assert failed.status_code == 200 and "You scored 50.0 %" in failed.text
        passed = anonymous.post(f"/p/training/quiz/{token}", data={"q0": "1", "q1": ["0", "2"]})
        assert passed.status_code == 200 and "You passed with 100.0 %" in passed.text
        assert anonymous.get(f"/p/training/quiz/{token}").status_code == 403  # used up: the link was revoked
        assert anonymous.get(f"/p/training/quiz/{token[:-2]}xx").status_code == 404
        assert anonymous.get(f"/p/training/ack/{token}").status_code == 404  # a quiz link opens no other page
        assert "I have read version 1 of Acceptable use" in anonymous.get(f"/p/training/ack/{ack_token}").text
        confirmed = anonymous.post(f"/p/training/ack/{ack_token}")
        assert (
            confirmed.status_code == 200 and "your confirmation that you read version 1 is recorded" in confirmed.text
        )
    with live.client("auditor") as client:
        rows = _ok(client.get(f"{BASE}/assignments", params={"program_id": program["id"]}))["items"]
        assert {r["person_id"]: r["status"] for r in rows}[people["Ana"]] == "completed"
        attempts = _ok(client.get(f"{BASE}/completions", params={"person_id": people["Ana"]}))["items"]
        assert sorted((a["score"], a["passed"], a["source"]) for a in attempts) == [
            (50.0, False, "tandem quiz"),
            (100.0, True, "tandem quiz"),
        ]
        row = next(r for r in _ok(client.get(f"{BASE}/policies/ack-status")) if r["policy_id"] == policy["id"])
        assert (row["acknowledged"], row["audience"]) == (1, 2)


def test_imports_status_acknowledgements_and_evidence(live: Live) -> None:
    unit, people = _unit_with_people(live, [("Cara", "IT"), ("Dev", "Finance")])
    with live.client("security_analyst") as client:
        bad = client.post(f"{BASE}/imports", params={"kind": "phishing", "file_name": "g.csv", "unit_id": unit,
                                                     "campaign": "Broken"},
                          content=b"email,sent_at\ncara@acme.example,2026-13-01T00:00:00Z\n")  # fmt: skip
        assert bad.status_code == 422 and bad.json()["errors"][0]["location"] == "g.csv:2"
        name = f"Q3 {uuid.uuid4().hex[:6]}"
        summary = _ok(client.post(f"{BASE}/imports", params={"kind": "phishing", "file_name": "results.csv",
                                                             "unit_id": unit, "campaign": name},
                                  content=(DATA / "gophish_results.csv").read_bytes()))  # fmt: skip
        assert (summary["results"], summary["unmatched"]) == (5, 5)  # nobody in the new unit has these addresses
        again = _ok(client.post(f"{BASE}/imports", params={"kind": "phishing", "file_name": "results.csv",
                                                           "unit_id": unit, "campaign": name},
                                content=(DATA / "gophish_results.csv").read_bytes()))  # fmt: skip
        assert again["campaign_id"] == summary["campaign_id"] and (again["added"], again["unchanged"]) == (0, 5)
        policy = _ok(client.post(f"{BASE}/policies", json={"title": "AUP", "org_unit_id": unit}), 201)
        _ok(client.post(f"{BASE}/policies/{policy['id']}/versions", json={"summary": "First"}), 201)
        campaign = _ok(client.post(f"{BASE}/policies/{policy['id']}/campaigns", json={"due_date": "2030-01-01"}), 201)
        _ok(client.post(f"{BASE}/policies/campaigns/{campaign['id']}/acknowledgements",
                        json={"person_id": people["Cara"]}))  # fmt: skip
    with live.client("viewer") as client:
        assert client.post(f"{BASE}/imports", params={"kind": "completions"}, content=b"x").status_code == 403
        assert client.get(f"{BASE}/evidence.csv").status_code == 403
        row = next(r for r in _ok(client.get(f"{BASE}/policies/ack-status")) if r["policy_id"] == policy["id"])
        assert (row["acknowledged"], row["audience"], row["rate"], row["version"]) == (1, 2, 0.5, 1)
        assert {d["name"]: d["rate"] for d in row["departments"]} == {"Finance": 0.0, "IT": 1.0}
        campaigns = _ok(client.get(f"{BASE}/phishing/campaigns"))["campaigns"]
        assert next(c for c in campaigns if c["name"] == name)["report_rate"] == 0.2
    _cli_reads(live, policy["id"])
    with live.client("auditor") as client:
        evidence = client.get(f"{BASE}/evidence.csv")
        assert evidence.status_code == 200 and evidence.headers["content-type"].startswith("text/csv")
        assert "acknowledgement,Cara," in evidence.text
        pdf = client.get(f"{BASE}/evidence.pdf")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def _cli_reads(live: Live, policy_id: str) -> None:
    """Run `tandem training status` and `… policies ack-status` in-process against the live database."""
    set_database(live.db)
    try:
        runner = CliRunner()
        status = runner.invoke(cli.app, ["status", "--by", "role", "--format", "json"])
        assert status.exit_code == 0, status.output
        assert all({"name", "assigned", "rate"} <= set(row) for row in json.loads(status.stdout))
        acks = runner.invoke(cli.app, ["policies", "ack-status", "--format", "json"])
        assert acks.exit_code == 0, acks.output
        assert {"policy": "AUP", "version": 1, "acknowledged": 1, "audience": 2, "rate": "50%",
                "lowest department": "Finance", "past review": "no"} in json.loads(acks.stdout)  # fmt: skip
    finally:
        set_database(None)


def _web_forms(client: httpx.Client, csrf: str) -> None:
    """Add a course, a program for a department, and a policy with a version and a campaign through the forms."""
    title = f"Privacy basics {uuid.uuid4().hex[:6]}"
    course = client.post(
        "/training/new/course",
        data={
            "csrf_token": csrf,
            "title": title,
            "format": "link",
            "url": "https://lms.example.org/c/1",
            "validity_days": "365",
        },
    )
    assert course.status_code == 303, course.text[:1000]
    course_id = course.headers["location"].split("?")[0].rsplit("/", 1)[1]
    bad = client.post("/training/new/program", data={"csrf_token": csrf, "title": "Clinical", "course_ids": course_id,
                                                     "kind": "department", "values": ""})  # fmt: skip
    assert bad.status_code == 422 and "a department rule needs at least one value" in bad.text
    program = client.post(
        "/training/new/program",
        data={
            "csrf_token": csrf,
            "title": "Clinical",
            "kind": "department",
            "course_ids": course_id,
            "values": "Clinical, Nursing",
        },
    )
    assert program.status_code == 303 and "Program+added" in program.headers["location"]
    policy = client.post("/training/new/policy", data={"csrf_token": csrf, "title": f"BYOD {title}"})
    assert policy.status_code == 303
    page = client.get("/training/policies").text
    policy_id = page.split(f"BYOD {title}", 1)[1].split('action="/training/policies/', 1)[1].split("/", 1)[0]
    published = client.post(f"/training/policies/{policy_id}/publish",
                            data={"csrf_token": csrf, "summary": "First", "due_date": "2030-01-01"})  # fmt: skip
    assert published.status_code == 303 and "Version+1+published" in published.headers["location"]


def test_pages_and_ciso_home_panel(live: Live) -> None:
    client = live.login("ciso-user")
    try:
        pages = {"/training": "People at risk", "/training/programs": "Training programs",
                 "/training/policies": "Policies and acknowledgements", "/training/phishing": "Repeat clickers",
                 "/home/ciso": "Security awareness"}  # fmt: skip
        for path, text in pages.items():
            page = client.get(path)
            assert page.status_code == 200 and text in page.text, (path, page.text[:500])
        assert 'data-plotly="training-panel-dept"' in client.get("/home/ciso").text
        form = client.get("/training/import").text
        csrf = form.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        lms = {"file": ("lms.csv", (DATA / "lms_completions.csv").read_bytes(), "text/csv")}
        bad = client.post("/training/import", data={"csrf_token": csrf, "kind": "completions"}, files=lms)
        assert (
            bad.status_code == 422 and "<code>lms.csv:2</code>: email: nobody with ana.lopez@acme.example" in bad.text
        )
        name = f"Web {uuid.uuid4().hex[:6]}"
        good = client.post(
            "/training/import",
            data={"csrf_token": csrf, "kind": "phishing", "campaign": name},
            files={"file": ("t.json", (DATA / "gophish_timeline.json").read_bytes(), "application/json")},
        )
        assert good.status_code == 303 and good.headers["location"].startswith("/training/phishing?flash=")
        assert name in client.get("/training/phishing").text
        _web_forms(client, csrf)
    finally:
        client.close()

"""Review follow-ups become risk treatments (existing or new scenario) linked both ways; evidence files are
checked, stored by digest, on the timeline and audited when fetched; playbooks are edited from text lines —
on a real database and real files."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.incidents import children, evidence, followups, playbooks, service
from tandem.incidents import repository as repo
from tandem.incidents.models import Task
from tandem.incidents.schemas import FollowUpIn, IncidentCreate, IncidentUpdate, PlaybookIn, ScopeIn
from tandem.platform.audit.models import AuditEntry
from tandem.platform.errors import InvalidInput, NotFound
from tandem.risk import service as risk
from tandem.risk.schemas import ScenarioCreate
from tests.incidents.conftest import Org, make

T0 = dt.datetime(2025, 3, 3, 9, tzinfo=dt.UTC)


def _open(session: Session, org: Org, **extra: Any) -> Any:
    data = IncidentCreate(title=f"Ransomware {uuid.uuid4().hex[:4]}", type="ransomware", discovered_at=T0,
                          org_unit_id=org.it, **extra)  # fmt: skip
    return service.open_incident(session, None, data)


def test_review_follow_ups_become_risk_treatments_linked_back(session: Session, org: Org) -> None:
    incident = _open(session, org)
    app = make(session, "applications", name=f"File server {uuid.uuid4().hex[:4]}", org_unit_id=org.it)
    children.add_scope(session, None, incident.id, ScopeIn(kind="application", id=app.id))
    with pytest.raises(InvalidInput) as err:  # no review before "stable"
        followups.follow_up_to_risk(session, None, incident.id, FollowUpIn(title="EDR", scenario_title="Ransomware"))
    assert err.value.errors[0].location == "incident"
    service.update_incident(session, None, incident.id, IncidentUpdate(status="stable"))
    task = next(t for t in repo.children(session, Task, incident.id) if t.source == "review")
    data = FollowUpIn(title="Deploy EDR on file servers", scenario_title="Ransomware on file servers", task_id=task.id)
    link = followups.follow_up_to_risk(session, None, incident.id, data)
    scenario = risk.get_scenario(session, None, link.scenario_id)
    assert link.new_scenario and scenario.org_unit_id == org.it and scenario.source == f"incident {incident.id}"
    assert [t["id"] for t in risk.to_read(session, scenario).model_dump()["targets"]] == [str(app.id)]
    assert task.status == "done"
    existing = risk.create_scenario(session, None, ScenarioCreate(title="Backups lost", org_unit_id=org.it))
    second = followups.follow_up_to_risk(session, None, incident.id, FollowUpIn(
        title="Offline backups", kind="mitigate", scenario_id=existing.id))  # fmt: skip
    assert (second.scenario_id, second.new_scenario) == (existing.id, False)
    assert [r.title for r in followups.risk_links(session, None, incident.id)] == [
        "Deploy EDR on file servers", "Offline backups"]  # fmt: skip
    summaries = [e.summary for e in repo.timeline(session, incident.id) if e.kind == "review"]
    assert any("Offline backups" in s and "Backups lost" in s for s in summaries)
    for bad, where in (
        (FollowUpIn(title="x"), "body.scenario_id"),
        (FollowUpIn(title="x", scenario_id=uuid.uuid4()), "body.scenario_id"),
        (FollowUpIn(title="x", scenario_id=existing.id, scenario_title="both"), "body.scenario_title"),
        (FollowUpIn(title="x", scenario_id=existing.id, task_id=uuid.uuid4()), "body.task_id"),
    ):
        with pytest.raises(InvalidInput) as err:
            followups.follow_up_to_risk(session, None, incident.id, bad)
        assert err.value.errors[0].location == where


def test_evidence_files_are_checked_kept_on_the_timeline_and_audited(session: Session, org: Org) -> None:
    incident = _open(session, org)
    note = b"YOUR FILES ARE ENCRYPTED. Contact us.\n"
    row = evidence.upload(session, None, incident.id, note, "ransom-note.txt", "Ransom note")
    assert (row.title, row.media_type, row.size) == ("Ransom note", "text/plain", len(note))
    assert evidence.STORE.path_of(row.sha256).read_bytes() == note
    assert any(e.kind == "evidence" and row.sha256[:12] in e.summary for e in repo.timeline(session, incident.id))
    _row, data = evidence.download(session, None, incident.id, row.id)
    assert data == note
    session.flush()
    audited = session.scalars(select(AuditEntry).where(AuditEntry.entity_id == str(row.id))).all()
    assert {a.action for a in audited} >= {"download"}
    for data, name, why in (
        (b"<html><script>x</script></html>", "note.txt", "html"),
        (b"%PDF-1.4\n%%EOF\n", "report.exe", "the name says .exe"),
        (b"<?xml version='1.0'?><a/>", "data.xml", "not allowed"),
        (b"", "empty.txt", "empty"),
    ):
        with pytest.raises(InvalidInput) as err:
            evidence.upload(session, None, incident.id, data, name)
        assert err.value.errors[0].location == "file" and why in err.value.errors[0].reason, err.value.errors
    with pytest.raises(NotFound):
        evidence.download(session, None, incident.id, uuid.uuid4())


def test_playbooks_are_edited_from_lines_with_located_errors(session: Session, org: Org) -> None:
    lines = "Call the insurer | legal | 4\n\nImage the disks | commander\n"
    tasks = playbooks.parse_lines(lines)
    assert tasks == [{"title": "Call the insurer", "role": "legal", "due_hours": 4},
                     {"title": "Image the disks", "role": "commander"}]  # fmt: skip
    playbooks.save_playbook(session, None, PlaybookIn(incident_type="ransomware", name="IT ransomware",
                                                      tasks=tasks, org_unit_id=org.it))  # fmt: skip
    origin, got = playbooks.effective(session, org.it, "ransomware")
    assert origin == "IT ransomware" and [t["due_hours"] for t in got] == [4, 24]
    assert "Image the disks | commander | 24" in playbooks.as_lines(got)
    bad = playbooks.parse_lines("Ok | commander | 2\n | nobody | soon\n")
    with pytest.raises(InvalidInput) as err:
        playbooks.save_playbook(session, None, PlaybookIn(incident_type="ransomware", name="x", tasks=bad,
                                                          org_unit_id=org.it))  # fmt: skip
    assert {e.location for e in err.value.errors} == {"body.tasks.1.title", "body.tasks.1.role",
                                                      "body.tasks.1.due_hours"}  # fmt: skip
    assert playbooks.reset_playbook(session, None, org.it, "ransomware")
    assert playbooks.effective(session, org.it, "ransomware")[0] == "Tandem default"
    assert not playbooks.reset_playbook(session, None, org.it, "ransomware")

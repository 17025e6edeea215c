"""Incident rules on a real database: lifecycle, playbooks, facts re-evaluating obligations, the timeline,
the review, scope through the inventory graph, overdue alerts, and the rule library."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy.orm import Session

from tandem.incidents import alerts, assessment, children, scope, service
from tandem.incidents import repository as repo
from tandem.incidents.models import Obligation, Task
from tandem.incidents.schemas import (
    IncidentCreate,
    IncidentUpdate,
    ObligationUpdate,
    ParticipantIn,
    PopulationIn,
    RuleIn,
    ScopeIn,
)
from tandem.platform.errors import Conflict, InvalidInput
from tests.incidents.conftest import Org, make

UTC = dt.UTC
T0 = dt.datetime(2025, 3, 3, 9, tzinfo=UTC)


def _open(session: Session, org: Org, **extra: Any) -> Any:
    data = IncidentCreate(
        title="S3 export found", type="data_exfiltration", discovered_at=T0, aware_at=T0, org_unit_id=org.it, **extra
    )
    return service.open_incident(session, None, data)


def _open_obligations(session: Session, incident: Any) -> dict[tuple[str, str], Obligation]:
    rows = repo.children(session, Obligation, incident.id)
    return {(o.rule_key, o.jurisdiction): o for o in rows if o.status == "open"}


def test_facts_drive_obligations_and_every_change_is_on_the_timeline(session: Session, org: Org) -> None:
    incident = _open(session, org)
    assert {t.source for t in repo.children(session, Task, incident.id)} == {"playbook"}
    ca = children.add_population(
        session, None, incident.id, PopulationIn(jurisdiction="US-CA", count=480, elements=["name", "ssn"])
    )
    assert ("us-ca-ag", "US-CA") not in _open_obligations(session, incident)
    children.update_population(
        session,
        None,
        incident.id,
        ca.id,
        PopulationIn(jurisdiction="US-CA", count=510, elements=["name", "ssn"], encrypted=True),
    )
    assert ("us-ca-ag", "US-CA") not in _open_obligations(session, incident)  # safe harbour
    children.update_population(
        session,
        None,
        incident.id,
        ca.id,
        PopulationIn(jurisdiction="US-CA", count=510, elements=["name", "ssn"], encrypted=True, key_compromised=True),
    )
    found = _open_obligations(session, incident)
    assert found[("us-ca-ag", "US-CA")].affected == 510
    children.add_population(
        session, None, incident.id, PopulationIn(jurisdiction="US-TX", count=300, elements=["name", "ssn"])
    )
    service.update_incident(session, None, incident.id, IncidentUpdate(determined_at=T0 + dt.timedelta(days=1)))
    tx = _open_obligations(session, incident)[("us-tx-ag", "US-TX")]
    assert tx.due_at == dt.datetime(2025, 4, 3, 9, tzinfo=UTC) and not tx.provisional
    assert incident.earliest_due_at == dt.datetime(2025, 4, 3, 9, tzinfo=UTC)
    kinds = [e.kind for e in repo.timeline(session, incident.id)]
    assert {"reported", "detection", "task", "facts", "assessment"} <= set(kinds)
    with pytest.raises(InvalidInput) as err:
        service.update_incident(session, None, incident.id, IncidentUpdate(aware_at=T0 - dt.timedelta(days=1)))
    assert err.value.errors[0].location == "body.aware_at"


def test_sent_obligations_need_evidence_and_stay_in_the_register(session: Session, org: Org) -> None:
    incident = _open(session, org)
    children.add_population(
        session, None, incident.id, PopulationIn(jurisdiction="US-NY", count=20, elements=["name", "ssn"])
    )
    ny = _open_obligations(session, incident)[("us-ny-residents", "US-NY")]
    with pytest.raises(InvalidInput):
        service.update_obligation(session, None, incident.id, ny.id, ObligationUpdate(status="sent"))
    service.update_obligation(session, None, incident.id, ny.id, ObligationUpdate(status="sent", evidence="letters"))
    assert ny.sent_at is not None
    with pytest.raises(InvalidInput):
        service.delete_incident(session, None, incident.id)


def test_stable_generates_the_review_with_follow_up_tasks(session: Session, org: Org) -> None:
    incident = _open(session, org)
    service.update_incident(session, None, incident.id, IncidentUpdate(status="contained"))
    service.update_incident(session, None, incident.id, IncidentUpdate(status="stable"))
    assert incident.review is not None and incident.review["hours_to_contain"] is not None
    assert sum(1 for t in repo.children(session, Task, incident.id) if t.source == "review") == 3
    with pytest.raises(InvalidInput):
        service.update_incident(session, None, incident.id, IncidentUpdate(status="reported"))


def test_scope_proposal_follows_what_a_vendor_can_reach(session: Session, org: Org) -> None:
    vendor = make(session, "vendors", name="Mailer SaaS", org_unit_id=org.it)
    store = make(
        session, "data-stores", name="Marketing list", data_categories=["contact"], record_count=900, org_unit_id=org.it
    )
    make(
        session,
        "relations",
        type="can_access",
        source_kind="vendor",
        source_id=vendor.id,
        target_kind="data_store",
        target_id=store.id,
        org_unit_id=org.it,
    )
    incident = _open(session, org)
    children.add_scope(session, None, incident.id, ScopeIn(kind="vendor", id=vendor.id, how="compromised"))
    from tandem.platform.auth.principal import CONSOLE

    proposal = scope.propose(session, CONSOLE, incident)
    assert [(p["name"], p["record_count"], p["in_scope"]) for p in proposal] == [("Marketing list", 900, False)]
    assert "can access" in proposal[0]["via"][0]
    added = scope.accept(session, CONSOLE, incident)
    assert [(a.label, a.how) for a in added] == [("Marketing list", "reachable")]
    assert scope.propose(session, CONSOLE, incident)[0]["in_scope"]
    assert scope.accept(session, CONSOLE, incident) == []


def test_overdue_obligations_alert_the_roles_once(session: Session, org: Org, smtp_sink: Any) -> None:
    incident = _open(session, org)
    children.add_participant(
        session, None, incident.id, ParticipantIn(role="commander", name="Sam", email="sam@northwind.test")
    )
    children.add_population(session, None, incident.id, PopulationIn(jurisdiction="FR", count=10, elements=["email"]))
    result = alerts.alert_overdue(session, now=dt.datetime(2026, 1, 1, tzinfo=UTC))
    assert result["alerted"] >= 1 and result["mailed"] >= 1
    assert alerts.alert_overdue(session, now=dt.datetime(2026, 1, 2, tzinfo=UTC))["alerted"] == 0
    assert any("Overdue notification" in m["Subject"] for m in smtp_sink.messages)
    assert any(e.kind == "escalation" for e in repo.timeline(session, incident.id))


def test_rule_library_is_seeded_editable_and_validated(session: Session, org: Org) -> None:
    from tandem.platform.auth.principal import CONSOLE

    rules = assessment.list_rules(session, CONSOLE)
    ca_ag = next(r for r in rules if r.key == "us-ca-ag")
    record = {**ca_ag.record, "threshold": {"op": ">", "value": 100}}
    assessment.update_rule(session, CONSOLE, ca_ag.id, RuleIn(record=record))
    incident = _open(session, org)
    children.add_population(
        session, None, incident.id, PopulationIn(jurisdiction="US-CA", count=150, elements=["name", "ssn"])
    )
    assert ("us-ca-ag", "US-CA") in _open_obligations(session, incident)
    with pytest.raises(Conflict):
        assessment.add_rule(session, CONSOLE, RuleIn(record=ca_ag.record))
    with pytest.raises(InvalidInput) as err:
        assessment.add_rule(session, CONSOLE, RuleIn(record={**ca_ag.record, "version": 9, "clock": "dawn"}))
    assert [e.location for e in err.value.errors] == ["body.record.clock"]

"""Incident response's control check: every notification obligation met its deadline or is within it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from tandem.incidents import children, service
from tandem.incidents import repository as repo
from tandem.incidents.models import Obligation
from tandem.incidents.schemas import IncidentCreate, IncidentUpdate, ObligationUpdate, PopulationIn
from tandem.platform.checks import CheckOutcome, CheckRun, get_check
from tandem.platform.db.types import utcnow
from tests.incidents.conftest import Org


def check(session: Session, org: Org, now: dt.datetime) -> CheckOutcome:
    spec = get_check("incidents.notifications_on_time")
    return spec.run(CheckRun(session, spec.resolve_params({}), frozenset({org.it}), now))


def test_obligations_are_judged_against_their_deadlines(session: Session, org: Org) -> None:
    t0 = utcnow() - dt.timedelta(days=1)
    data = IncidentCreate(
        title="Laptop stolen", type="data_exfiltration", discovered_at=t0, aware_at=t0, org_unit_id=org.it
    )
    incident = service.open_incident(session, None, data)
    children.add_population(
        session, None, incident.id, PopulationIn(jurisdiction="US-TX", count=300, elements=["name", "ssn"])
    )
    service.update_incident(session, None, incident.id, IncidentUpdate(determined_at=t0))
    due: list[Obligation] = [o for o in repo.children(session, Obligation, incident.id) if o.due_at is not None]
    assert due, "a Texas breach of 300 residents carries dated notification duties"
    ok = check(session, org, utcnow())
    assert (ok.passed, ok.failing) == (True, 0) and ok.examined >= len(due)
    late_day = max(o.due_at for o in due if o.due_at) + dt.timedelta(days=1)
    overdue = check(session, org, late_day)
    assert (overdue.passed, overdue.failing) == (False, len(due))
    assert overdue.rows[0][0] == "Laptop stolen" and overdue.rows[0][6].startswith("overdue by")
    for o in due:
        sent_at = t0 + dt.timedelta(days=2)
        service.update_obligation(session, None, incident.id, o.id, ObligationUpdate(
            status="sent", sent_at=sent_at, evidence="letters and AG portal"))  # fmt: skip
    assert check(session, org, late_day).passed
    first = due[0]
    assert first.due_at is not None
    service.update_obligation(session, None, incident.id, first.id, ObligationUpdate(
        status="sent", sent_at=first.due_at + dt.timedelta(hours=30), evidence="letters, late"))  # fmt: skip
    late = check(session, org, late_day)
    assert (late.passed, late.failing) == (False, 1) and late.rows[0][6] == "sent 30 h late"

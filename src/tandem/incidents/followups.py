"""Post-incident review follow-ups carried into the risk register: each becomes a risk treatment, on a scenario
the organisation already tracks or on one opened for it (targeting the incident's scope), linked both ways."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from tandem.incidents import actions
from tandem.incidents import repository as repo
from tandem.incidents.common import check
from tandem.incidents.models import Incident, RiskLink, ScopeItem, Task
from tandem.incidents.schemas import FollowUpIn
from tandem.incidents.service import get_incident, record
from tandem.incidents.vocab import TYPES
from tandem.platform.auth.principal import Principal
from tandem.platform.db.types import utcnow
from tandem.platform.errors import InvalidInput, NotFound
from tandem.risk import service as risk
from tandem.risk.schemas import ScenarioCreate, TargetRef, TreatmentCreate

TARGET_KINDS = ("asset", "application", "data_store", "vendor")


def _scenario(session: Session, principal: Principal | None, incident: Incident, data: FollowUpIn) -> tuple[Any, bool]:
    if data.scenario_id is not None and data.scenario_title:
        raise InvalidInput.one("body.scenario_title", "name an existing scenario or a new one, not both")
    if data.scenario_id is not None:
        try:
            return risk.get_scenario(session, principal, data.scenario_id), False
        except NotFound:
            raise InvalidInput.one("body.scenario_id", "no visible risk scenario with this id") from None
    if not data.scenario_title:
        raise InvalidInput.one("body.scenario_id", "choose the risk scenario to treat, or give a new scenario's title")
    targets = [
        TargetRef(kind=s.object_kind, id=s.object_id)
        for s in repo.children(session, ScopeItem, incident.id)
        if s.object_kind in TARGET_KINDS
    ]
    description = (
        f"Opened from the post-incident review of the incident “{incident.title}” ({TYPES[incident.type]}, "
        f"discovered {incident.discovered_at:%Y-%m-%d})."
    )
    created = risk.create_scenario(session, principal, ScenarioCreate(
        title=data.scenario_title, description=description, targets=targets[:200],
        org_unit_id=incident.org_unit_id, source=f"incident {incident.id}"))  # fmt: skip
    return created, True


def follow_up_to_risk(
    session: Session, principal: Principal | None, incident_id: uuid.UUID, data: FollowUpIn
) -> RiskLink:
    """Turn a review follow-up into a risk treatment (on an existing or a new scenario) and link it back."""
    incident = get_incident(session, principal, incident_id)
    check(session, principal, actions.EDIT.name, incident)
    if incident.review is None:
        raise InvalidInput.one("incident", "the post-incident review comes first: move the incident to stable")
    task = None
    if data.task_id is not None:
        task = repo.child(session, Task, incident.id, data.task_id)
        if task is None:
            raise InvalidInput.one("body.task_id", "no task of this incident with this id")
    scenario, new = _scenario(session, principal, incident, data)
    scenario_id, scenario_title = scenario.id, scenario.title
    note = f"Follow-up of the incident “{incident.title}” (post-incident review)."
    treatment = risk.create_treatment(session, principal, TreatmentCreate(
        scenario_id=scenario_id, kind=data.kind, title=data.title,
        description=f"{data.description.strip()}\n\n{note}".strip()))  # fmt: skip
    link = RiskLink(incident_id=incident.id, task_id=task.id if task else None, scenario_id=scenario_id,
                    treatment_id=treatment.id, title=treatment.title, scenario_title=scenario_title,
                    new_scenario=new)  # fmt: skip
    session.add(link)
    if task is not None and task.status == "open":
        task.status, task.done_at = "done", utcnow()
    record(
        session,
        incident,
        "review",
        f"Follow-up became the risk treatment “{treatment.title}” ({data.kind}) on "
        f"{'the new' if new else 'the'} scenario “{scenario_title}”",
        principal,
        {"scenario_id": str(scenario_id), "treatment_id": str(treatment.id)},
    )
    return link


def risk_links(session: Session, principal: Principal | None, incident_id: uuid.UUID) -> list[RiskLink]:
    """Return the treatments the incident's follow-ups became, oldest first."""
    incident = get_incident(session, principal, incident_id)
    return repo.children(session, RiskLink, incident.id)

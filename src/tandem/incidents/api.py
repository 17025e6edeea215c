"""REST routes /api/v1/incidents: incidents and their facts, people, tasks, timeline, scope, affected people,
obligations; the breach register; the rule library and playbooks."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from tandem.incidents import (
    assessment,
    children,
    evidence,
    followups,
    playbooks,
    populations_from_data,
    register,
    scope,
    service,
)
from tandem.incidents import repository as repo
from tandem.incidents.models import Obligation, Participant, Population, ScopeItem, Task
from tandem.incidents.repository import INCIDENT_SPEC
from tandem.incidents.schemas import (
    Decision,
    EventIn,
    EventRead,
    EvidenceRead,
    FollowUpIn,
    IncidentCreate,
    IncidentRead,
    IncidentUpdate,
    ObligationRead,
    ObligationUpdate,
    ParticipantIn,
    ParticipantRead,
    PlaybookIn,
    PopulationIn,
    PopulationRead,
    RiskLinkRead,
    RuleIn,
    RuleRead,
    ScopeIn,
    ScopeRead,
    TaskIn,
    TaskRead,
    TaskUpdate,
)
from tandem.platform.api.deps import DbSession, actor_of, get_db, requires
from tandem.platform.api.paging import page_out, page_request
from tandem.platform.auth.principal import Principal
from tandem.platform.db.uow import unit_of_work
from tandem.platform.errors import NotFound
from tandem.platform.safety.uploads import read_limited

router = APIRouter(prefix="/api/v1/incidents", tags=["incidents"])
VIEW, EDIT = "incidents.view", "incidents.edit"
ONE = "/incidents/{incident_id}"


@router.get("/incidents")
def list_incidents(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """List incidents (filters: status, type, severity, priority, notification_decision)."""
    page = service.list_incidents(session, principal, page_request(request, INCIDENT_SPEC))
    return page_out(page, service.to_read)


@router.post("/incidents", status_code=201, response_model=IncidentRead)
def open_incident(body: IncidentCreate, session: DbSession, principal: Principal = requires(EDIT)) -> Any:
    """Open an incident: playbook tasks for its type, a timeline, a first assessment."""
    return service.to_read(service.open_incident(session, principal, body))


@router.get(ONE, response_model=IncidentRead)
def get_incident(incident_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return an incident with its facts and earliest deadline."""
    return service.to_read(service.get_incident(session, principal, incident_id))


@router.patch(ONE, response_model=IncidentRead)
def update_incident(
    incident_id: uuid.UUID, body: IncidentUpdate, session: DbSession, principal: Principal = requires(EDIT)
) -> Any:
    """Change an incident: rating, status (lifecycle), facts (obligations are re-evaluated)."""
    return service.to_read(service.update_incident(session, principal, incident_id, body))


@router.delete(ONE, status_code=204)
def delete_incident(incident_id: uuid.UUID, session: DbSession, principal: Principal = requires(EDIT)) -> Response:
    """Delete an incident opened by mistake (never a notified one)."""
    service.delete_incident(session, principal, incident_id)
    return Response(status_code=204)


@router.post(ONE + "/assess")
def assess(incident_id: uuid.UUID, session: DbSession, principal: Principal = requires(EDIT)) -> Any:
    """Re-evaluate the rules now; return the obligations and the decisions not to notify."""
    incident = service.get_incident(session, principal, incident_id)
    service.check(session, principal, EDIT, incident)
    assessment.reassess(session, principal, incident, "requested")
    return register.assessment_out(session, incident)


@router.get(ONE + "/obligations")
def list_obligations(incident_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return the obligations, earliest deadline first."""
    incident = service.get_incident(session, principal, incident_id)
    return [ObligationRead.model_validate(o) for o in register.obligations(session, incident)]


@router.patch(ONE + "/obligations/{obligation_id}", response_model=ObligationRead)
def update_obligation(
    incident_id: uuid.UUID,
    obligation_id: uuid.UUID,
    body: ObligationUpdate,
    session: DbSession,
    principal: Principal = requires(EDIT),
) -> Any:
    """Mark an obligation sent (evidence required), waived (reason required) or open."""
    return service.update_obligation(session, principal, incident_id, obligation_id, body)


@router.post(ONE + "/decision", response_model=IncidentRead)
def decide(
    incident_id: uuid.UUID, body: Decision, session: DbSession, principal: Principal = requires("incidents.decide")
) -> Any:
    """Record the notify / not-notify decision and its rationale."""
    return service.to_read(service.decide(session, principal, incident_id, body))


@router.get(ONE + "/timeline")
def timeline(incident_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return the timeline in time order."""
    incident = service.get_incident(session, principal, incident_id)
    return [EventRead.model_validate(e) for e in repo.timeline(session, incident.id)]


@router.post(ONE + "/timeline", status_code=201, response_model=EventRead)
def add_event(incident_id: uuid.UUID, body: EventIn, session: DbSession, principal: Principal = requires(EDIT)) -> Any:
    """Add a timeline entry."""
    return service.add_event(session, principal, incident_id, body)


def _children(session: Any, principal: Principal, incident_id: uuid.UUID, model: Any) -> list[Any]:
    incident = service.get_incident(session, principal, incident_id)
    return repo.children(session, model, incident.id)


@router.get(ONE + "/participants")
def list_participants(incident_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return the participants and their roles."""
    return [ParticipantRead.model_validate(p) for p in _children(session, principal, incident_id, Participant)]


@router.post(ONE + "/participants", status_code=201, response_model=ParticipantRead)
def add_participant(
    incident_id: uuid.UUID, body: ParticipantIn, session: DbSession, principal: Principal = requires(EDIT)
) -> Any:
    """Add a participant in a role."""
    return children.add_participant(session, principal, incident_id, body)


@router.get(ONE + "/tasks")
def list_tasks(incident_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return the tasks."""
    return [TaskRead.model_validate(t) for t in _children(session, principal, incident_id, Task)]


@router.post(ONE + "/tasks", status_code=201, response_model=TaskRead)
def add_task(incident_id: uuid.UUID, body: TaskIn, session: DbSession, principal: Principal = requires(EDIT)) -> Any:
    """Add a task."""
    return children.add_task(session, principal, incident_id, body)


@router.patch(ONE + "/tasks/{task_id}", response_model=TaskRead)
def update_task(
    incident_id: uuid.UUID,
    task_id: uuid.UUID,
    body: TaskUpdate,
    session: DbSession,
    principal: Principal = requires(EDIT),
) -> Any:
    """Change a task (owner, due date, status)."""
    return children.update_task(session, principal, incident_id, task_id, body)


@router.get(ONE + "/scope")
def list_scope(incident_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return the inventory objects in scope."""
    return [ScopeRead.model_validate(s) for s in _children(session, principal, incident_id, ScopeItem)]


@router.post(ONE + "/scope", status_code=201, response_model=ScopeRead)
def add_scope(incident_id: uuid.UUID, body: ScopeIn, session: DbSession, principal: Principal = requires(EDIT)) -> Any:
    """Put an inventory object in scope."""
    return children.add_scope(session, principal, incident_id, body)


@router.delete(ONE + "/scope/{item_id}", status_code=204)
def remove_scope(
    incident_id: uuid.UUID, item_id: uuid.UUID, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Take an object out of scope."""
    children.remove_scope(session, principal, incident_id, item_id)
    return Response(status_code=204)


@router.get(ONE + "/scope/proposal")
def propose_scope(incident_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Propose the data stores the scoped objects could reach, with categories and record counts."""
    return scope.propose(session, principal, service.get_incident(session, principal, incident_id))


@router.post(ONE + "/scope/proposal", status_code=201)
def accept_scope(incident_id: uuid.UUID, session: DbSession, principal: Principal = requires(EDIT)) -> Any:
    """Put every proposed data store into the scope (as "reachable"); return what was added."""
    incident = service.get_incident(session, principal, incident_id)
    service.check(session, principal, EDIT, incident)
    return [ScopeRead.model_validate(s) for s in scope.accept(session, principal, incident)]


@router.get(ONE + "/populations")
def list_populations(incident_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return the affected people by jurisdiction and combination of data elements."""
    return [PopulationRead.model_validate(p) for p in _children(session, principal, incident_id, Population)]


@router.post(ONE + "/populations", status_code=201, response_model=PopulationRead)
def add_population(
    incident_id: uuid.UUID, body: PopulationIn, session: DbSession, principal: Principal = requires(EDIT)
) -> Any:
    """Add affected people; the obligations are re-evaluated."""
    return children.add_population(session, principal, incident_id, body)


@router.post(ONE + "/populations/from-data", status_code=201)
def draft_populations(incident_id: uuid.UUID, session: DbSession, principal: Principal = requires(EDIT)) -> Any:
    """Draft affected people from the data stores in scope (one group per combination of elements discovery saw,
    in the store's country; "unknown" for US stores) and re-evaluate the obligations; returns the groups added."""
    rows = populations_from_data.add_from_data(session, principal, incident_id)
    return [PopulationRead.model_validate(p) for p in rows]


@router.put(ONE + "/populations/{population_id}", response_model=PopulationRead)
def update_population(
    incident_id: uuid.UUID,
    population_id: uuid.UUID,
    body: PopulationIn,
    session: DbSession,
    principal: Principal = requires(EDIT),
) -> Any:
    """Replace a population's figures; the obligations are re-evaluated."""
    return children.update_population(session, principal, incident_id, population_id, body)


@router.delete(ONE + "/populations/{population_id}", status_code=204)
def remove_population(
    incident_id: uuid.UUID, population_id: uuid.UUID, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Remove a population; the obligations are re-evaluated."""
    children.remove_population(session, principal, incident_id, population_id)
    return Response(status_code=204)


@router.get(ONE + "/review")
def get_review(incident_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return the post-incident review (null before the incident is stable)."""
    return service.get_incident(session, principal, incident_id).review


@router.get(ONE + "/review/risks")
def list_risk_links(incident_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return the risk treatments the review's follow-ups became."""
    return [RiskLinkRead.model_validate(r) for r in followups.risk_links(session, principal, incident_id)]


@router.post(ONE + "/review/risks", status_code=201, response_model=RiskLinkRead)
def follow_up_to_risk(
    incident_id: uuid.UUID, body: FollowUpIn, session: DbSession, principal: Principal = requires(EDIT)
) -> Any:
    """Turn a review follow-up into a risk treatment on an existing scenario (scenario_id) or a new one
    (scenario_title, targeting the incident's scope); needs risk.edit too."""
    return followups.follow_up_to_risk(session, principal, incident_id, body)


@router.get(ONE + "/evidence")
def list_evidence(incident_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return the incident's evidence files."""
    return [EvidenceRead.model_validate(f) for f in evidence.files(session, principal, incident_id)]


@router.post(ONE + "/evidence", status_code=201, response_model=EvidenceRead)
async def upload_evidence(
    incident_id: uuid.UUID, request: Request, file: UploadFile = File(...),
    title: str = Form("", max_length=300), principal: Principal = requires(EDIT),
) -> Any:  # fmt: skip
    """Keep a file as evidence (pdf, png, jpg, txt, csv, json, docx, xlsx; size-limited, type sniffed)."""
    data = read_limited(file.file, evidence.limit() + 1, file.filename or "upload")

    def run() -> Any:
        with unit_of_work(get_db(request), actor=actor_of(principal, request)) as session:
            row = evidence.upload(session, principal, incident_id, data, file.filename or "upload", title)
            return EvidenceRead.model_validate(row)

    return await run_in_threadpool(run)


@router.get(ONE + "/evidence/{file_id}/file")
def download_evidence(
    incident_id: uuid.UUID, file_id: uuid.UUID, request: Request, principal: Principal = requires(VIEW)
) -> Response:
    """Download an evidence file, always as an attachment the browser may not sniff or run (audited)."""
    # A write transaction although this is a GET: who fetched the evidence goes to the audit chain (custody).
    with unit_of_work(get_db(request), actor=actor_of(principal, request)) as session:
        row, data = evidence.download(session, principal, incident_id, file_id)
        return Response(data, media_type=row.media_type, headers=evidence.download_headers(row))


@router.get("/register")
def breach_register(session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return the breach register: every incident, notified or not, with decision, rationale and obligations."""
    return register.rows(session, principal)


@router.get("/rules")
def list_rules(session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return every breach-notification rule version."""
    return [RuleRead.model_validate(r) for r in assessment.list_rules(session, principal)]


@router.post("/rules", status_code=201, response_model=RuleRead)
def add_rule(body: RuleIn, session: DbSession, principal: Principal = requires("incidents.rules")) -> Any:
    """Add a rule or a new version of one."""
    return assessment.add_rule(session, principal, body)


@router.get("/rules/{rule_id}", response_model=RuleRead)
def get_rule(rule_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return one rule version."""
    return assessment.get_rule(session, principal, rule_id)


@router.put("/rules/{rule_id}", response_model=RuleRead)
def update_rule(
    rule_id: uuid.UUID, body: RuleIn, session: DbSession, principal: Principal = requires("incidents.rules")
) -> Any:
    """Correct a rule version, or enable/disable it."""
    return assessment.update_rule(session, principal, rule_id, body)


@router.get("/playbooks")
def list_playbooks(
    session: DbSession, org_unit_id: uuid.UUID = Query(...), principal: Principal = requires(VIEW)
) -> Any:
    """Return the playbook in force for every incident type in a unit."""
    service.require_in_unit(session, principal, org_unit_id, VIEW, "query.org_unit_id")
    return playbooks.catalogue(session, org_unit_id)


@router.put("/playbooks", status_code=200)
def save_playbook(body: PlaybookIn, session: DbSession, principal: Principal = requires("incidents.rules")) -> Any:
    """Create or replace a unit's playbook for a type."""
    row = playbooks.save_playbook(session, principal, body)
    return {"id": str(row.id), "incident_type": row.incident_type, "name": row.name, "tasks": row.tasks}


@router.delete("/playbooks", status_code=204)
def reset_playbook(
    session: DbSession,
    org_unit_id: uuid.UUID = Query(...),
    incident_type: str = Query(..., max_length=40),
    principal: Principal = requires("incidents.rules"),
) -> Response:
    """Remove a unit's own playbook for a type (the inherited or shipped one applies again)."""
    if not playbooks.reset_playbook(session, principal, org_unit_id, incident_type):
        raise NotFound("this unit has no playbook of its own for this type")
    return Response(status_code=204)


__all__ = ["Obligation", "router"]

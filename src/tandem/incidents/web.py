"""Incident pages: the list, the workspace (countdown banner, facts, obligations, timeline, tasks, scope,
affected people, review), the breach register and the rule library. Countdowns are computed at render."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ValidationError

from tandem.incidents import (
    access_scope,
    assessment,
    breach,
    children,
    playbooks,
    populations_from_data,
    register,
    scope,
    service,
    web_more,
)
from tandem.incidents import repository as repo
from tandem.incidents.models import Participant, Population, ScopeItem, Task
from tandem.incidents.schemas import (
    Decision,
    EventIn,
    IncidentCreate,
    IncidentUpdate,
    ObligationUpdate,
    ParticipantIn,
    PopulationIn,
    RuleIn,
    ScopeIn,
    TaskIn,
)
from tandem.incidents.vocab import PRIORITIES, ROLES, SEVERITIES, STATUSES, TYPES
from tandem.inventory import service as inventory
from tandem.platform.api.deps import DbSession, requires
from tandem.platform.auth import service as auth
from tandem.platform.auth.permissions import visible_unit_ids
from tandem.platform.auth.principal import Principal
from tandem.platform.errors import FieldError, InvalidInput, NotFound, TandemError
from tandem.platform.safety import jsondoc
from tandem.platform.safety.errors import UnsafeInput
from tandem.platform.web.forms import WebForm, discard, form_errors, text, texts
from tandem.platform.web.render import redirect, render

router = APIRouter(include_in_schema=False)
VIEW, EDIT = "incidents.view", "incidents.edit"
FACT_FLAGS = (
    "personal_data",
    "eu_establishment",
    "hipaa_low_probability",
    "significant_incident",
    "material",
    "notification_incident",
)
MANUAL_EVENTS = ("note", "detection", "escalation", "decision", "containment", "notification_sent")
FACT_TIMES = ("discovered_at", "aware_at", "determined_at", "materiality_determined_at")


def _valid(model: type[BaseModel], data: dict[str, Any]) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(
            [FieldError(".".join(["body", *map(str, e["loc"])]), e["msg"]) for e in exc.errors()]
        ) from None


def _when(form: Any, name: str) -> str | None:
    """Return a datetime-local value as ISO UTC (the pages show and take UTC)."""
    raw = text(form, name, 40).strip()
    return f"{raw}:00+00:00" if len(raw) == 16 else (raw or None)


def _act(session: Any, back: str, ok: str, call: Callable[[], Any]) -> Response:
    """Run a form action; on a refusal, undo it and return to the page with the reason."""
    try:
        call()
    except TandemError as exc:
        discard(session)
        reasons = "; ".join(f"{k}: {v}" if k != "_form" else v for k, v in form_errors(exc).items())
        return redirect(back, reasons[:190])
    return redirect(back, ok)


@router.get("/incidents")
def list_page(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> HTMLResponse:
    """Incidents, newest first, with their earliest open deadline."""
    status = request.query_params.get("status", "")
    rows = service.visible_incidents(session, principal, {"status": status} if status in STATUSES else {})
    now = dt.datetime.now(dt.UTC)
    items = [
        {"i": i, "countdown": assessment.countdown(i.earliest_due_at, now) if i.earliest_due_at else ""} for i in rows
    ]
    return render(request, "incidents/list.html", items=items, statuses=STATUSES, status=status, types=TYPES)


def _units(session: Any, principal: Principal) -> list[Any]:
    return [auth.get_unit(session, None, uid) for uid in visible_unit_ids(session, principal, EDIT)]


@router.get("/incidents/new")
def new_page(request: Request, session: DbSession, principal: Principal = requires(EDIT)) -> HTMLResponse:
    """The form to open an incident."""
    return render(
        request,
        "incidents/new.html",
        values={},
        errors={},
        types=TYPES,
        severities=SEVERITIES,
        priorities=PRIORITIES,
        units=_units(session, principal),
    )


@router.post("/incidents/new")
def create_page(request: Request, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)) -> Response:
    """Open an incident and go to its workspace."""
    values = {
        k: text(form, k, 20_000).strip()
        for k in ("title", "description", "type", "severity", "priority", "org_unit_id")
    }
    data = {
        **values,
        "org_unit_id": values["org_unit_id"] or None,
        "discovered_at": _when(form, "discovered_at"),
        "aware_at": _when(form, "aware_at"),
    }
    try:
        incident = service.open_incident(session, principal, _valid(IncidentCreate, data))
    except TandemError as exc:
        discard(session)
        return render(
            request,
            "incidents/new.html",
            422,
            values=values,
            errors=form_errors(exc),
            types=TYPES,
            severities=SEVERITIES,
            priorities=PRIORITIES,
            units=_units(session, principal),
        )
    return redirect(f"/incidents/{incident.id}", "Incident opened.")


@router.get("/incidents/register")
def register_page(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> HTMLResponse:
    """The breach register: every incident, notified or not, with the decision and rationale."""
    return render(request, "incidents/register.html", rows=register.rows(session, principal), types=TYPES)


@router.get("/incidents/rules")
def rules_page(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> HTMLResponse:
    """The breach-notification rule library (versioned data) and the playbooks."""
    rows = assessment.list_rules(session, principal)
    unit = auth.root_unit(session)
    books = playbooks.catalogue(session, unit.id) if unit else []
    return render(
        request,
        "incidents/rules.html",
        rules=rows,
        playbooks=books,
        example=json.dumps(breach.shipped_records()[0], indent=1),
    )


@router.post("/incidents/rules")
def add_rule_page(form: WebForm, session: DbSession, principal: Principal = requires("incidents.rules")) -> Response:
    """Add a rule (or a new version) from its JSON record."""

    def run() -> None:
        try:
            record = jsondoc.load_json(text(form, "record", 50_000), "body.record", max_bytes=50_000)
        except UnsafeInput as exc:
            raise InvalidInput.one(exc.location or "body.record", f"not valid JSON: {exc.reason}") from None
        assessment.add_rule(session, principal, _valid(RuleIn, {"record": record}))

    return _act(session, "/incidents/rules", "Rule added.", run)


@router.post("/incidents/rules/{rule_id}/toggle")
def toggle_rule_page(
    rule_id: uuid.UUID, session: DbSession, principal: Principal = requires("incidents.rules")
) -> Response:
    """Enable or disable a rule version; open incidents are re-evaluated."""

    def run() -> None:
        row = assessment.get_rule(session, principal, rule_id)
        assessment.update_rule(session, principal, rule_id, RuleIn(record=row.record, enabled=not row.enabled))

    return _act(session, "/incidents/rules", "Rule updated; open incidents re-evaluated.", run)


@router.get("/incidents/{incident_id}")
def workspace(
    incident_id: uuid.UUID, request: Request, session: DbSession, principal: Principal = requires(VIEW)
) -> HTMLResponse:
    """The incident workspace."""
    i = service.get_incident(session, principal, incident_id)
    return render(
        request,
        "incidents/workspace.html",
        i=i,
        banner=register.banner(session, i),
        obligations=register.obligation_rows(session, i),
        timeline=repo.timeline(session, i.id),
        tasks=repo.children(session, Task, i.id),
        people=repo.children(session, Participant, i.id),
        scope=repo.children(session, ScopeItem, i.id),
        proposal=scope.propose(session, principal, i),
        populations=repo.children(session, Population, i.id),
        decisions=(i.assessment or {}).get("decisions", []),
        types=TYPES,
        statuses=STATUSES,
        severities=SEVERITIES,
        priorities=PRIORITIES,
        roles=ROLES,
        event_kinds=MANUAL_EVENTS,
        flags=FACT_FLAGS,
        times=FACT_TIMES,
        elements=breach.vocab.ELEMENTS,
        sectors=breach.vocab.SECTORS,
        can_edit=principal.can_anywhere(EDIT),
        can_decide=principal.can_anywhere("incidents.decide"),
        **web_more.workspace_extras(session, principal, i),
    )


def _back(incident_id: uuid.UUID, anchor: str = "") -> str:
    return f"/incidents/{incident_id}{'#' + anchor if anchor else ''}"


@router.post("/incidents/{incident_id}/facts")
def facts_page(
    incident_id: uuid.UUID, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Save the rating, status and breach facts; obligations are re-evaluated."""
    data: dict[str, Any] = {
        k: text(form, k, 40) or None for k in ("type", "severity", "priority", "status", "gdpr_risk")
    }
    data |= {k: _when(form, k) for k in FACT_TIMES}
    data["discovered_at"] = data["discovered_at"] or service.get_incident(session, principal, incident_id).discovered_at
    data |= {k: k in texts(form, "flags") for k in FACT_FLAGS}
    data["sectors"] = texts(form, "sectors")
    return _act(
        session,
        _back(incident_id),
        "Saved; obligations re-evaluated.",
        lambda: service.update_incident(session, principal, incident_id, _valid(IncidentUpdate, data)),
    )


@router.post("/incidents/{incident_id}/populations")
def population_page(
    incident_id: uuid.UUID, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Add affected people (jurisdiction, count, the elements their records hold together)."""
    data = {
        "jurisdiction": text(form, "jurisdiction", 16).strip(),
        "count": text(form, "count", 12).strip() or "0",
        "elements": texts(form, "elements"),
        "encrypted": bool(text(form, "encrypted")),
        "key_compromised": bool(text(form, "key_compromised")),
        "label": text(form, "label", 200),
        "hipaa_role": text(form, "hipaa_role", 24) or "none",
        "gdpr_role": text(form, "gdpr_role", 16) or "controller",
    }
    return _act(
        session,
        _back(incident_id, "people"),
        "Affected people added; obligations re-evaluated.",
        lambda: children.add_population(session, principal, incident_id, _valid(PopulationIn, data)),
    )


@router.post("/incidents/{incident_id}/populations/from-data")
def populations_from_data_page(
    incident_id: uuid.UUID, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Draft affected people from the data stores in scope (discovery's combinations, the stores' countries)."""
    try:
        added = populations_from_data.add_from_data(session, principal, incident_id)
    except TandemError as exc:
        discard(session)
        return redirect(_back(incident_id, "people"), "; ".join(form_errors(exc).values())[:190])
    if not added:
        return redirect(_back(incident_id, "people"), "Nothing to draft: every data store in scope has its people.")
    return redirect(_back(incident_id, "people"),
                    f"{len(added)} group(s) drafted from the data; check jurisdictions and counts.")  # fmt: skip


@router.post("/incidents/{incident_id}/obligations/{obligation_id}")
def obligation_page(
    incident_id: uuid.UUID,
    obligation_id: uuid.UUID,
    form: WebForm,
    session: DbSession,
    principal: Principal = requires(EDIT),
) -> Response:
    """Mark an obligation sent (with evidence) or waived (with a reason)."""
    data = {"status": text(form, "status", 16), "evidence": text(form, "evidence", 20_000)}
    return _act(
        session,
        _back(incident_id, "obligations"),
        "Obligation updated.",
        lambda: service.update_obligation(
            session, principal, incident_id, obligation_id, _valid(ObligationUpdate, data)
        ),
    )


@router.post("/incidents/{incident_id}/decision")
def decision_page(
    incident_id: uuid.UUID, form: WebForm, session: DbSession, principal: Principal = requires("incidents.decide")
) -> Response:
    """Record the notify / not-notify decision."""
    data = {"decision": text(form, "decision", 16), "rationale": text(form, "rationale", 20_000)}
    return _act(
        session,
        _back(incident_id),
        "Decision recorded in the breach register.",
        lambda: service.decide(session, principal, incident_id, _valid(Decision, data)),
    )


@router.post("/incidents/{incident_id}/events")
def event_page(
    incident_id: uuid.UUID, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Add a timeline entry."""
    data = {"kind": text(form, "kind", 32) or "note", "summary": text(form, "summary", 5000)}
    return _act(
        session,
        _back(incident_id, "timeline"),
        "Added to the timeline.",
        lambda: service.add_event(session, principal, incident_id, _valid(EventIn, data)),
    )


@router.post("/incidents/{incident_id}/tasks")
def task_page(
    incident_id: uuid.UUID, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Add a task."""
    data = {
        "title": text(form, "title", 300),
        "owner_role": text(form, "owner_role", 32),
        "due_at": _when(form, "due_at"),
    }
    return _act(
        session,
        _back(incident_id, "tasks"),
        "Task added.",
        lambda: children.add_task(session, principal, incident_id, _valid(TaskIn, data)),
    )


@router.post("/incidents/{incident_id}/tasks/{task_id}/done")
def task_done_page(
    incident_id: uuid.UUID, task_id: uuid.UUID, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Mark a task done."""
    from tandem.incidents.schemas import TaskUpdate

    return _act(
        session,
        _back(incident_id, "tasks"),
        "Task done.",
        lambda: children.update_task(session, principal, incident_id, task_id, TaskUpdate(status="done")),
    )


@router.post("/incidents/{incident_id}/scope/accept")
def accept_scope_page(incident_id: uuid.UUID, session: DbSession, principal: Principal = requires(EDIT)) -> Response:
    """Put the proposed data stores into the scope."""

    def run() -> None:
        incident = service.get_incident(session, principal, incident_id)
        service.check(session, principal, EDIT, incident)
        scope.accept(session, principal, incident)

    return _act(session, _back(incident_id, "scope"), "Reachable data stores added to the scope.", run)


@router.post("/incidents/{incident_id}/participants")
def participant_page(
    incident_id: uuid.UUID, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Add someone in a role."""
    data = {"role": text(form, "role", 32), "name": text(form, "name", 200), "email": text(form, "email", 320)}
    return _act(
        session,
        _back(incident_id, "people-roles"),
        "Participant added.",
        lambda: children.add_participant(session, principal, incident_id, _valid(ParticipantIn, data)),
    )


@router.post("/incidents/{incident_id}/scope")
def scope_page(
    incident_id: uuid.UUID, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Put an inventory object (kind:name) or an access account or person (account:…, identity:…) in scope."""

    def run() -> None:
        ref = text(form, "ref", 300).strip()
        found = access_scope.resolve_ref(session, principal, ref)
        if found is None:
            try:
                kind, obj = inventory.resolve_ref(session, principal, ref)
            except NotFound as exc:
                raise InvalidInput.one("body.ref", exc.message) from None
            found = (kind.entity, obj.id)
        data = {"kind": found[0], "id": found[1], "how": text(form, "how", 16) or "affected"}
        children.add_scope(session, principal, incident_id, _valid(ScopeIn, data))

    return _act(session, _back(incident_id, "scope"), "Added to the scope.", run)

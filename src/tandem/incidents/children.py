"""An incident's people, tasks, scope and affected populations; every change writes the timeline."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from tandem.incidents import actions, assessment, breach
from tandem.incidents import repository as repo
from tandem.incidents.access_scope import ACCESS_KINDS, access_label
from tandem.incidents.common import check
from tandem.incidents.models import Incident, Participant, Population, ScopeItem, Task
from tandem.incidents.schemas import ParticipantIn, PopulationIn, ScopeIn, TaskIn, TaskUpdate
from tandem.incidents.service import get_incident, record
from tandem.incidents.vocab import ROLES
from tandem.inventory import service as inventory
from tandem.platform.auth.principal import Principal
from tandem.platform.db.types import utcnow
from tandem.platform.errors import FieldError, InvalidInput, NotFound


def _editable(session: Session, principal: Principal | None, incident_id: uuid.UUID) -> Incident:
    incident = get_incident(session, principal, incident_id)
    check(session, principal, actions.EDIT.name, incident)
    return incident


def _person(session: Session, principal: Principal | None, person_id: uuid.UUID | None, where: str) -> Any:
    if person_id is None:
        return None
    try:
        return inventory.get_record(session, principal, inventory.kind_of("person"), person_id)
    except NotFound:
        raise InvalidInput.one(where, "no such person in the inventory") from None


def add_participant(
    session: Session, principal: Principal | None, incident_id: uuid.UUID, data: ParticipantIn
) -> Participant:
    """Add someone in a role; a person from the inventory brings their name and e-mail."""
    incident = _editable(session, principal, incident_id)
    person = _person(session, principal, data.person_id, "body.person_id")
    name = data.name or (person.full_name if person else "")
    if not name:
        raise InvalidInput.one("body.name", "give a name or a person from the inventory")
    email = data.email or (getattr(person, "email", "") or "" if person else "")
    row = Participant(incident_id=incident.id, role=data.role, name=name, email=email, person_id=data.person_id)
    session.add(row)
    record(session, incident, "participant", f"{name} joined as {ROLES[data.role]}", principal)
    return row


def add_task(
    session: Session, principal: Principal | None, incident_id: uuid.UUID, data: TaskIn, source: str = "incident"
) -> Task:
    """Add a task with an owner and a due date."""
    incident = _editable(session, principal, incident_id)
    _person(session, principal, data.owner_id, "body.owner_id")
    row = Task(incident_id=incident.id, source=source, **data.model_dump())
    session.add(row)
    record(session, incident, "task", f"Task added: {row.title}", principal)
    return row


def update_task(
    session: Session, principal: Principal | None, incident_id: uuid.UUID, task_id: uuid.UUID, data: TaskUpdate
) -> Task:
    """Change a task; done or cancelled tasks are written to the timeline."""
    incident = _editable(session, principal, incident_id)
    row = repo.child(session, Task, incident.id, task_id)
    if row is None:
        raise NotFound("task not found")
    patch = data.model_dump(exclude_unset=True)
    _person(session, principal, patch.get("owner_id"), "body.owner_id")
    for key, value in patch.items():
        if value is not None or key in ("owner_id", "due_at"):
            setattr(row, key, value)
    if patch.get("status") in ("done", "cancelled"):
        row.done_at = utcnow()
        record(session, incident, "task", f"Task {patch['status']}: {row.title}", principal)
    session.flush()
    return row


def add_scope(session: Session, principal: Principal | None, incident_id: uuid.UUID, data: ScopeIn) -> ScopeItem:
    """Link an inventory object, or an access account or person, the incident touched."""
    incident = _editable(session, principal, incident_id)
    entity: str
    if data.kind in ACCESS_KINDS:
        entity, label = data.kind, access_label(session, principal, data.kind, data.id)
    else:
        try:
            kind = inventory.kind_of(data.kind)
            obj = inventory.get_record(session, principal, kind, data.id)
        except (KeyError, NotFound):
            raise InvalidInput.one("body.id", f"no visible {data.kind} with this id in the inventory") from None
        entity, label = kind.entity, inventory.label_of(kind, obj)
    if any(s.object_id == data.id for s in repo.children(session, ScopeItem, incident.id)):
        raise InvalidInput.one("body.id", "already in the incident's scope")
    row = ScopeItem(
        incident_id=incident.id,
        object_kind=entity,
        object_id=data.id,
        label=label[:300],
        how=data.how,
        notes=data.notes,
    )
    session.add(row)
    record(session, incident, "scope", f"Scope: {row.label} ({entity}, {data.how})", principal)
    return row


def remove_scope(session: Session, principal: Principal | None, incident_id: uuid.UUID, item_id: uuid.UUID) -> None:
    """Remove an object from the scope."""
    incident = _editable(session, principal, incident_id)
    row = repo.child(session, ScopeItem, incident.id, item_id)
    if row is None:
        raise NotFound("scope item not found")
    session.delete(row)
    record(session, incident, "scope", f"Removed from scope: {row.label}", principal)


def add_population(
    session: Session, principal: Principal | None, incident_id: uuid.UUID, data: PopulationIn, reassess: bool = True
) -> Population:
    """Add affected people (one jurisdiction, one combination of elements) and re-evaluate the obligations."""
    incident = _editable(session, principal, incident_id)
    unknown = sorted(set(data.elements) - set(breach.vocab.ELEMENTS))
    if unknown:
        raise InvalidInput([FieldError("body.elements", f"unknown data element(s): {', '.join(unknown)}")])
    row = Population(incident_id=incident.id, **{**data.model_dump(), "elements": sorted(set(data.elements))})
    session.add(row)
    incident.personal_data = incident.personal_data or bool(data.elements)
    record(
        session,
        incident,
        "facts",
        f"Affected: {data.count} in {data.jurisdiction} "
        f"({', '.join(row.elements) or 'no elements'}{', encrypted' if data.encrypted else ''})",
        principal,
    )
    session.flush()
    if reassess:
        assessment.reassess(session, principal, incident, "affected people changed")
    return row


def add_populations(
    session: Session, principal: Principal | None, incident_id: uuid.UUID, items: list[PopulationIn]
) -> list[Population]:
    """Add several groups of affected people, then re-evaluate once (imports, the demo)."""
    rows = [add_population(session, principal, incident_id, item, reassess=False) for item in items]
    assessment.reassess(session, principal, get_incident(session, principal, incident_id), "affected people added")
    return rows


def update_population(
    session: Session, principal: Principal | None, incident_id: uuid.UUID, population_id: uuid.UUID, data: PopulationIn
) -> Population:
    """Replace a population's figures (480 → 510 residents) and re-evaluate."""
    incident = _editable(session, principal, incident_id)
    row = repo.child(session, Population, incident.id, population_id)
    if row is None:
        raise NotFound("population not found")
    before = f"{row.count} in {row.jurisdiction}"
    for key, value in {**data.model_dump(), "elements": sorted(set(data.elements))}.items():
        setattr(row, key, value)
    record(session, incident, "facts", f"Affected changed: {before} → {row.count} in {row.jurisdiction}", principal)
    session.flush()
    assessment.reassess(session, principal, incident, "affected people changed")
    return row


def remove_population(
    session: Session, principal: Principal | None, incident_id: uuid.UUID, population_id: uuid.UUID
) -> None:
    """Remove a population and re-evaluate."""
    incident = _editable(session, principal, incident_id)
    row = repo.child(session, Population, incident.id, population_id)
    if row is None:
        raise NotFound("population not found")
    session.delete(row)
    record(session, incident, "facts", f"Affected removed: {row.count} in {row.jurisdiction}", principal)
    session.flush()
    assessment.reassess(session, principal, incident, "affected people changed")

"""Playbooks: task templates per incident type; an organisation's own replaces the shipped default."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.incidents import actions
from tandem.incidents import repository as repo
from tandem.incidents.common import actor_of, require_in_unit
from tandem.incidents.models import Event, Incident, Playbook, Task
from tandem.incidents.schemas import PlaybookIn
from tandem.incidents.vocab import PLAYBOOKS, ROLES, TYPES
from tandem.platform.auth.models import OrgUnit
from tandem.platform.auth.principal import Principal
from tandem.platform.errors import FieldError, InvalidInput


def unit_chain(session: Session, unit_id: uuid.UUID) -> list[uuid.UUID]:
    """Return the unit and its ancestors, nearest first."""
    chain: list[uuid.UUID] = []
    current: uuid.UUID | None = unit_id
    while current is not None and current not in chain:
        chain.append(current)
        current = session.scalar(select(OrgUnit.parent_id).where(OrgUnit.id == current))
    return chain


def effective(session: Session, unit_id: uuid.UUID, incident_type: str) -> tuple[str, list[dict[str, Any]]]:
    """Return (origin, tasks) of the playbook in force for a unit and type: its own, an ancestor's or shipped."""
    own = repo.playbook_for(session, unit_chain(session, unit_id), incident_type)
    if own is not None:
        return own.name, list(own.tasks)
    return "Tandem default", list(PLAYBOOKS.get(incident_type, []))


def instantiate(session: Session, principal: Principal | None, incident: Incident) -> list[Task]:
    """Create the playbook's tasks for the incident's type (once per type), due from the discovery time."""
    existing = {t.title for t in repo.children(session, Task, incident.id)}
    origin, templates = effective(session, incident.org_unit_id, incident.type)
    made = []
    for item in templates:
        if item["title"] in existing:
            continue
        task = Task(
            incident_id=incident.id,
            title=item["title"],
            owner_role=item.get("role", ""),
            source="playbook",
            due_at=incident.discovered_at + dt.timedelta(hours=int(item.get("due_hours", 24))),
        )
        session.add(task)
        made.append(task)
    if made:
        session.add(
            Event(
                incident_id=incident.id,
                kind="task",
                actor=actor_of(principal),
                summary=f"{len(made)} tasks from the {TYPES[incident.type]} playbook ({origin})",
            )
        )
    session.flush()
    return made


def _task_errors(tasks: list[dict[str, Any]]) -> list[FieldError]:
    errors = []
    for n, item in enumerate(tasks):
        if not isinstance(item.get("title"), str) or not 0 < len(item["title"].strip()) <= 300:
            errors.append(FieldError(f"body.tasks.{n}.title", "give a title of 1 to 300 characters"))
        if item.get("role", "") not in ("", *ROLES):
            errors.append(FieldError(f"body.tasks.{n}.role", f"must be one of {', '.join(ROLES)}"))
        hours = item.get("due_hours", 24)
        if not isinstance(hours, int) or isinstance(hours, bool) or not 0 <= hours <= 24 * 365:
            errors.append(FieldError(f"body.tasks.{n}.due_hours", "must be whole hours from 0 to 8760"))
        if set(item) - {"title", "role", "due_hours"}:
            errors.append(FieldError(f"body.tasks.{n}", "only title, role and due_hours are allowed"))

    return errors


def save_playbook(session: Session, principal: Principal | None, data: PlaybookIn) -> Playbook:
    """Create or replace a unit's playbook for a type."""
    require_in_unit(session, principal, data.org_unit_id, actions.RULES.name)
    errors = _task_errors(data.tasks)
    if errors:
        raise InvalidInput(errors)
    tasks = [
        {"title": t["title"].strip(), "role": t.get("role", ""), "due_hours": t.get("due_hours", 24)}
        for t in data.tasks
    ]
    row = repo.playbook_for(session, [data.org_unit_id], data.incident_type)
    if row is None:
        row = Playbook(org_unit_id=data.org_unit_id, incident_type=data.incident_type, name=data.name, tasks=tasks)
        session.add(row)
    else:
        row.name, row.tasks = data.name, tasks
    session.flush()
    return row


def catalogue(session: Session, unit_id: uuid.UUID) -> list[dict[str, Any]]:
    """Return the playbook in force for every type in a unit."""
    out = []
    for key, label in TYPES.items():
        origin, tasks = effective(session, unit_id, key)
        out.append({"type": key, "label": label, "origin": origin, "tasks": tasks})
    return out


def parse_lines(raw: str) -> list[dict[str, Any]]:
    """Return task templates from one "title | role | due hours" line each (role and hours optional).

    Hours that are not whole numbers are kept as text so the playbook's validation names the line."""
    tasks: list[dict[str, Any]] = []
    for line in raw.splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        item: dict[str, Any] = {"title": parts[0], "role": parts[1] if len(parts) > 1 else ""}
        if len(parts) > 2 and parts[2]:
            item["due_hours"] = int(parts[2]) if parts[2].isdigit() else parts[2]
        if len(parts) > 3:
            item["extra"] = parts[3:]
        tasks.append(item)
    return tasks


def as_lines(tasks: list[dict[str, Any]]) -> str:
    """Return task templates as the editable "title | role | due hours" lines."""
    return "\n".join(f"{t['title']} | {t.get('role', '')} | {t.get('due_hours', 24)}" for t in tasks)


def reset_playbook(session: Session, principal: Principal | None, unit_id: uuid.UUID, incident_type: str) -> bool:
    """Remove a unit's own playbook for a type (the parent's or the shipped default applies again)."""
    require_in_unit(session, principal, unit_id, actions.RULES.name, "body.org_unit_id")
    row = repo.playbook_for(session, [unit_id], incident_type)
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True

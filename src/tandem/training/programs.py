"""Programs: courses assigned to an audience; assignments recomputed as people join, move and leave."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session

from tandem.platform.audit.writer import record_event
from tandem.platform.auth.permissions import require
from tandem.platform.auth.principal import Principal
from tandem.platform.db.paging import Page, PageRequest
from tandem.platform.db.types import utcnow
from tandem.platform.errors import FieldError, InvalidInput, NotFound
from tandem.training import actions, phishing, sensitive
from tandem.training import repository as repo
from tandem.training.common import check, require_in_unit
from tandem.training.engine.audience import PersonFacts, matching_rule, rule_errors
from tandem.training.models import Assignment, Course, Program
from tandem.training.repository import TrainingRepository
from tandem.training.schemas import ProgramCreate, ProgramUpdate

LEAVER_STATUSES = {"terminated"}
FIELDS = ("title", "description", "course_ids", "audience", "due_days", "due_date", "active")


def get_program(session: Session, principal: Principal | None, program_id: uuid.UUID) -> Program:
    """Return a program principal may see."""
    obj = TrainingRepository(session, Program).get(principal, program_id)
    if obj is None:
        raise NotFound("training program not found")
    return obj


def find_program(session: Session, principal: Principal | None, ref: str) -> Program:
    """Return the visible program with this id or exact title (case ignored); NotFound or ambiguous is an error."""
    try:
        return get_program(session, principal, uuid.UUID(ref.strip()))
    except ValueError:
        pass
    found = [p for p in visible_programs(session, principal) if p.title.casefold() == ref.strip().casefold()]
    if not found:
        raise NotFound(f"no training program with the id or title {ref!r}")
    if len(found) > 1:
        raise InvalidInput.one("program", f"{len(found)} programs are titled {ref!r}; give the program id")
    return found[0]


def list_programs(session: Session, principal: Principal, req: PageRequest) -> Page[Any]:
    """List the programs principal may see."""
    require(session, principal, actions.VIEW.name)
    try:
        return TrainingRepository(session, Program).list_page(principal, req)
    except (ValueError, KeyError):
        raise InvalidInput.one("query", "a filter value has the wrong type") from None


def visible_programs(session: Session, principal: Principal | None) -> list[Program]:
    """Return every program principal may see, by title."""
    return sorted(TrainingRepository(session, Program).visible(principal), key=lambda p: p.title.lower())


def _course_errors(session: Session, principal: Principal | None, ids: Iterable[uuid.UUID]) -> list[FieldError]:
    errors = []
    for n, course_id in enumerate(ids):
        if TrainingRepository(session, Course).get(principal, course_id) is None:
            errors.append(FieldError(f"body.course_ids.{n}", "no visible course with this id"))
    return errors


def audience_errors(rules: list[dict[str, Any]]) -> list[FieldError]:
    """Return located errors of audience rules (e.g. a department rule naming no department)."""
    return [FieldError(f"body.audience.{where}", reason) for where, reason in rule_errors(rules)]


def create_program(session: Session, principal: Principal | None, data: ProgramCreate) -> Program:
    """Add a program and assign its courses to the audience at once."""
    require_in_unit(session, principal, data.org_unit_id, actions.EDIT.name)
    errors = _course_errors(session, principal, data.course_ids)
    errors += audience_errors([r.model_dump() for r in data.audience])
    if errors:
        raise InvalidInput(errors)
    values = data.model_dump(mode="json")
    values["org_unit_id"], values["due_date"] = data.org_unit_id, data.due_date
    program = TrainingRepository(session, Program).add(Program(**values))
    recompute(session, program)
    return program


def update_program(
    session: Session, principal: Principal | None, program_id: uuid.UUID, data: ProgramUpdate
) -> Program:
    """Change a program and recompute its assignments."""
    program = get_program(session, principal, program_id)
    check(session, principal, actions.EDIT.name, program)
    errors = _course_errors(session, principal, data.course_ids or [])
    errors += audience_errors([r.model_dump() for r in data.audience or []])
    if errors:
        raise InvalidInput(errors)
    patch = data.model_dump(mode="json", exclude_unset=True)
    for key in FIELDS:
        if key in patch and (patch[key] is not None or key == "due_date"):
            setattr(program, key, data.due_date if key == "due_date" else patch[key])
    session.flush()
    recompute(session, program)
    return program


def delete_program(session: Session, principal: Principal | None, program_id: uuid.UUID) -> None:
    """Delete a program with its assignments (completions stay: they are evidence)."""
    program = get_program(session, principal, program_id)
    check(session, principal, actions.EDIT.name, program)
    for row in repo.assignments_of(session, program.id):
        session.delete(row)
    TrainingRepository(session, Program).delete(program)


def is_active(person: Any, today: dt.date) -> bool:
    """Return whether a person still works here (not terminated, no end date passed)."""
    ended = person.end_date is not None and person.end_date <= today
    return person.employment_status not in LEAVER_STATUSES and not ended


def facts_of(session: Session, people: list[Any], rules: list[dict[str, Any]], today: dt.date) -> list[PersonFacts]:
    """Return what the audience rules need to know about people (phishing history only when a rule asks)."""
    kinds = {r.get("kind") for r in rules}
    clickers = phishing.repeat_clicker_ids(session, None) if "repeat_clickers" in kinds else set()
    phi = sensitive.phi_access_ids(session) if "phi_access" in kinds else set()
    return [PersonFacts(p.id, p.department, p.job_title, p.start_date, is_active(p, today), p.id in clickers,
                        p.id in phi) for p in people]  # fmt: skip


def recompute(session: Session, program: Program, today: dt.date | None = None) -> dict[str, int]:
    """Assign the program's courses to its audience and close what no longer applies; return the counts."""
    today = today or utcnow().date()
    people = repo.people_in(session, repo.subtree_ids(session, program.org_unit_id))
    facts = facts_of(session, people, program.audience, today)
    courses = set(repo.courses_by_ids(session, [uuid.UUID(c) for c in program.course_ids]))
    wanted: dict[uuid.UUID, str] = {
        f.id: rule for f in facts if program.active and (rule := matching_rule(program.audience, f, today))
    }
    existing = {(a.course_id, a.person_id): a for a in repo.assignments_of(session, program.id)}
    due = program.due_date if program.due_date and program.due_date >= today else today + dt.timedelta(
        days=program.due_days)  # fmt: skip
    units = {p.id: p.org_unit_id for p in people}
    counts = _assign(session, program, wanted, courses, existing, units, due)
    leavers = {f.id for f in facts if not f.active}
    now = utcnow()
    counts["closed"] = 0
    for (course_id, person_id), row in existing.items():
        if row.state == "open" and (person_id not in wanted or course_id not in courses):
            row.state, row.closed_at = "closed", now
            row.closed_reason = _close_reason(program, person_id in leavers, course_id in courses)
            counts["closed"] += 1
    program.recomputed_at = now
    session.flush()
    if any(counts.values()):
        record_event(session, "training.recomputed", "training_programs", str(program.id), counts)
    return counts


def _assign(
    session: Session, program: Program, wanted: dict[uuid.UUID, str], courses: set[uuid.UUID],
    existing: dict[tuple[uuid.UUID, uuid.UUID], Assignment], units: dict[uuid.UUID, uuid.UUID], due: dt.date,
) -> dict[str, int]:  # fmt: skip
    counts = {"assigned": 0, "reopened": 0}
    now = utcnow()
    for person_id, rule in wanted.items():
        for course_id in courses:
            row = existing.get((course_id, person_id))
            if row is None:
                session.add(Assignment(program_id=program.id, course_id=course_id, person_id=person_id,
                                       org_unit_id=units[person_id], assigned_at=now, due_date=due,
                                       reason=rule))  # fmt: skip
                counts["assigned"] += 1
            elif row.state == "closed":
                row.state, row.closed_at, row.closed_reason, row.due_date = "open", None, "", due
                row.assigned_at, row.reason = now, rule
                counts["reopened"] += 1
    return counts


def _close_reason(program: Program, leaver: bool, course_kept: bool) -> str:
    if not program.active:
        return "program deactivated"
    if leaver:
        return "left the organisation"
    return "no longer in the audience" if course_kept else "course removed from the program"


def recompute_all(session: Session, today: dt.date | None = None) -> dict[str, int]:
    """Recompute every program (the periodic job; new joiners and leavers come from the inventory)."""
    total = {"programs": 0, "assigned": 0, "reopened": 0, "closed": 0}
    for program in TrainingRepository(session, Program).visible(None):
        counts = recompute(session, program, today)
        total["programs"] += 1
        for key, value in counts.items():
            total[key] += value
    return total


def recompute_program(session: Session, principal: Principal | None, program_id: uuid.UUID) -> dict[str, int]:
    """Recompute one program's assignments now."""
    program = get_program(session, principal, program_id)
    check(session, principal, actions.EDIT.name, program)
    return recompute(session, program)


def recompute_for_people(session: Session, person_ids: list[uuid.UUID]) -> dict[str, int]:
    """Recompute the programs that can reach these people (joined, changed, left or deleted), in this transaction."""
    total = {"programs": 0, "assigned": 0, "reopened": 0, "closed": 0}
    for program in repo.programs_touching(session, person_ids):
        counts = recompute(session, program)
        total["programs"] += 1
        for key, value in counts.items():
            total[key] += value
    return total


def recompute_by_rule(session: Session, kind: str) -> int:
    """Recompute the programs whose audience uses a rule kind; return how many assignments were added."""
    added = 0
    for program in TrainingRepository(session, Program).visible(None, active=True):
        if any(r.get("kind") == kind for r in program.audience):
            counts = recompute(session, program)
            added += counts["assigned"] + counts["reopened"]
    return added

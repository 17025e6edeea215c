"""Assignments follow people changes made through the inventory (by hand or by an import) in the same transaction:
a joiner is assigned, a mover follows their department, a leaver's open assignments close; the daily recompute finds
nothing left to do."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from tandem.inventory import service as inventory
from tandem.inventory.service import PEOPLE_CHANGED
from tandem.platform import events
from tandem.training import courses, programs
from tandem.training import repository as repo
from tandem.training.schemas import CourseCreate, ProgramCreate, Rule
from tests.training.conftest import TODAY, Org, make_person

PEOPLE = inventory.KINDS["people"]


def _changed(session: Session, *people: Any) -> None:
    """Publish what the inventory publishes after people change (idempotent: a second publish changes nothing)."""
    events.publish(PEOPLE_CHANGED, session, person_ids=[str(p.id) for p in people])


def _states(session: Session, program: Any) -> dict[str, tuple[str, str]]:
    rows = repo.assignments_of(session, program.id)
    people = repo.people_by_ids(session, [a.person_id for a in rows])
    return {people[a.person_id].full_name: (a.state, a.closed_reason) for a in rows}


def test_joiners_movers_and_leavers_are_followed_at_once(session: Session, org: Org) -> None:
    course = courses.create_course(session, None, CourseCreate(title="HIPAA basics", org_unit_id=org.root))
    clinical = programs.create_program(session, None, ProgramCreate(
        title="Clinical HIPAA", course_ids=[course.id], audience=[Rule(kind="department", values=["Clinical"])],
        org_unit_id=org.root))  # fmt: skip
    joiners = programs.create_program(session, None, ProgramCreate(
        title="Welcome", course_ids=[course.id], audience=[Rule(kind="new_joiners", days=30)],
        org_unit_id=org.clinical))  # fmt: skip
    assert set(_states(session, clinical)) == {"Ana Lopez", "Ben Ode"} and not _states(session, joiners)

    eva = make_person(session, org.clinical, "Eva Novak", "Clinical", start_date=TODAY - dt.timedelta(days=2))
    assert _states(session, clinical)["Eva Novak"] == ("open", "")
    assert _states(session, joiners) == {"Eva Novak": ("open", "")}

    ben = inventory.update_record(session, None, PEOPLE, org.people["ben"].id,
                                  PEOPLE.update.model_validate({"employment_status": "terminated"}))  # fmt: skip
    cara = inventory.update_record(session, None, PEOPLE, org.people["cara"].id,
                                   PEOPLE.update.model_validate({"department": "Clinical"}))  # fmt: skip
    states = _states(session, clinical)
    assert states["Ben Ode"] == ("closed", "left the organisation")
    assert states["Cara Smith"] == ("open", "")

    inventory.delete_record(session, None, PEOPLE, eva.id)
    assert "Eva Novak" not in _states(session, clinical)
    _changed(session, ben, cara)  # a repeated event changes nothing
    assert programs.recompute_all(session) == {"programs": 2, "assigned": 0, "reopened": 0, "closed": 0}


def test_a_people_import_assigns_the_joiners_it_adds(session: Session, org: Org) -> None:
    from tandem.inventory import imports

    course = courses.create_course(session, None, CourseCreate(title="Security basics", org_unit_id=org.root))
    program = programs.create_program(session, None, ProgramCreate(
        title="Everyone", course_ids=[course.id], audience=[Rule(kind="all")], org_unit_id=org.root))  # fmt: skip
    before = set(_states(session, program))
    csv = "full_name,email,department\nZoe Quinn,zoe.quinn@acme.example,Clinical\n"
    imports.import_file(session, None, "people", csv.encode(), "hr.csv", unit_id=org.clinical)
    assert set(_states(session, program)) - before == {"Zoe Quinn"}

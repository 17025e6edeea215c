"""SQL of the training domain: scoped lists, people of a unit tree, assignments, completions, results."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from tandem.inventory.models import Person
from tandem.platform.auth.models import OrgUnit
from tandem.platform.auth.principal import Principal
from tandem.platform.db.paging import ListSpec, Page, PageRequest
from tandem.platform.db.repository import Repository
from tandem.training.models import (
    AckCampaign,
    Acknowledgement,
    Assignment,
    Completion,
    Course,
    PhishingCampaign,
    PhishingResult,
    PolicyVersion,
    Program,
    Question,
)

VIEW = "training.view"
COURSE_SPEC = ListSpec(("created_at", "title"), "title", ("org_unit_id", "format"), ("title", "description"))
PROGRAM_SPEC = ListSpec(("created_at", "title"), "title", ("org_unit_id", "active"), ("title", "description"))
POLICY_SPEC = ListSpec(("created_at", "title", "review_date"), "title", ("org_unit_id", "owner_id"), ("title",))
ASSIGNMENT_SPEC = ListSpec(("created_at", "due_date", "assigned_at"), "due_date",
                           ("org_unit_id", "program_id", "course_id", "person_id", "state"), ())  # fmt: skip
COMPLETION_SPEC = ListSpec(("created_at", "completed_at"), "-completed_at",
                           ("org_unit_id", "course_id", "person_id", "source"), ())  # fmt: skip
CAMPAIGN_SPEC = ListSpec(("created_at", "launched_at", "name"), "-launched_at", ("org_unit_id",), ("name",))
BOOL_FILTERS = {"active", "passed"}


class TrainingRepository(Repository[Any]):
    """Queries for one org-scoped training model."""

    view_action = VIEW

    def __init__(self, session: Session, model: Any) -> None:
        super().__init__(session)
        self.model = model

    def filtered(self, principal: Principal | None, filters: dict[str, Any]) -> Select[Any]:
        """Return the visible rows matching exact filters (ids and booleans coerced)."""
        stmt = self.base_query(principal)
        for name, value in filters.items():
            if value is None or value == "":
                continue
            if name.endswith("_id") and isinstance(value, str):
                value = uuid.UUID(value)
            elif name in BOOL_FILTERS and isinstance(value, str):
                value = {"true": True, "false": False}[value.lower()]
            stmt = stmt.where(getattr(self.model, name) == value)
        return stmt

    def list_page(self, principal: Principal, req: PageRequest) -> Page[Any]:
        """Return one page of visible rows with the request's filters."""
        stmt = self.filtered(principal, req.filters)
        return self.page(stmt, dataclasses.replace(req, filters={}))

    def visible(self, principal: Principal | None, **filters: Any) -> list[Any]:
        """Return every visible row matching filters."""
        return list(self.session.scalars(self.filtered(principal, filters)))


def subtree_ids(session: Session, unit_id: uuid.UUID) -> list[uuid.UUID]:
    """Return the unit and every unit below it."""
    path = session.scalar(select(OrgUnit.path).where(OrgUnit.id == unit_id)) or ""
    return list(session.scalars(select(OrgUnit.id).where(OrgUnit.path.startswith(path)))) if path else []


def people_in(session: Session, unit_ids: Sequence[uuid.UUID] | None) -> list[Person]:
    """Return the people of the units (None: everyone), leavers included."""
    stmt = select(Person)
    if unit_ids is not None:
        stmt = stmt.where(Person.org_unit_id.in_(list(unit_ids)))
    return list(session.scalars(stmt.order_by(Person.full_name, Person.id)))


def people_by_ids(session: Session, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Person]:
    """Return people by id."""
    if not ids:
        return {}
    return {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(list(set(ids)))))}


def people_by_email(session: Session, unit_ids: Sequence[uuid.UUID] | None) -> dict[str, Person]:
    """Return people keyed by lower-case e-mail (the first one wins when units share an address)."""
    out: dict[str, Person] = {}
    for person in people_in(session, unit_ids):
        out.setdefault(person.email.strip().lower(), person)
    return out


def people_with_email(session: Session, email: str) -> list[Person]:
    """Return the people with this e-mail address (case ignored)."""
    return list(session.scalars(select(Person).where(func.lower(Person.email) == email.strip().lower())))


def assignments_of(session: Session, program_id: uuid.UUID) -> list[Assignment]:
    """Return every assignment of a program."""
    return list(session.scalars(select(Assignment).where(Assignment.program_id == program_id)))


def questions_of(session: Session, course_id: uuid.UUID) -> list[Question]:
    """Return a course's questions in order."""
    stmt = select(Question).where(Question.course_id == course_id).order_by(Question.position)
    return list(session.scalars(stmt))


def question_counts(session: Session, course_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, int]:
    """Return the number of questions per course."""
    if not course_ids:
        return {}
    stmt = select(Question.course_id, func.count()).where(Question.course_id.in_(list(course_ids)))
    return dict(session.execute(stmt.group_by(Question.course_id)).all())


def courses_by_ids(session: Session, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Course]:
    """Return courses by id (unscoped)."""
    if not ids:
        return {}
    return {c.id: c for c in session.scalars(select(Course).where(Course.id.in_(list(set(ids)))))}


def pass_times(
    session: Session, person_ids: Sequence[uuid.UUID] | None, course_ids: Sequence[uuid.UUID]
) -> list[tuple[uuid.UUID, uuid.UUID, Any]]:
    """Return (person, course, completed_at) of the passing completions of the courses."""
    if not course_ids:
        return []
    stmt = select(Completion.person_id, Completion.course_id, Completion.completed_at).where(
        Completion.passed.is_(True), Completion.course_id.in_(list(course_ids)))  # fmt: skip
    if person_ids is not None:
        stmt = stmt.where(Completion.person_id.in_(list(person_ids)))
    return [(p, c, t) for p, c, t in session.execute(stmt)]


def click_rows(session: Session, campaign_ids: Sequence[uuid.UUID]) -> list[tuple[Any, ...]]:
    """Return (campaign, email, person, clicked_at, submitted_at) of the results that clicked."""
    if not campaign_ids:
        return []
    r = PhishingResult
    stmt = select(r.campaign_id, r.email, r.person_id, r.clicked_at, r.submitted_at).where(
        r.campaign_id.in_(list(campaign_ids)), (r.clicked_at.is_not(None)) | (r.submitted_at.is_not(None)))  # fmt: skip
    return [tuple(row) for row in session.execute(stmt)]


def existing_attempts(session: Session, course_ids: Sequence[uuid.UUID]) -> set[tuple[uuid.UUID, uuid.UUID, Any]]:
    """Return (person, course, completed_at) of the recorded attempts of the courses (to skip re-imports)."""
    if not course_ids:
        return set()
    stmt = select(Completion.person_id, Completion.course_id, Completion.completed_at)
    rows = session.execute(stmt.where(Completion.course_id.in_(list(course_ids)))).all()
    return {(p, c, t) for p, c, t in rows}


def results_of(session: Session, campaign_ids: Sequence[uuid.UUID]) -> list[PhishingResult]:
    """Return the results of campaigns."""
    if not campaign_ids:
        return []
    stmt = select(PhishingResult).where(PhishingResult.campaign_id.in_(list(campaign_ids)))
    return list(session.scalars(stmt))


def campaigns_in(session: Session, unit_ids: Sequence[uuid.UUID] | None) -> list[PhishingCampaign]:
    """Return phishing campaigns of the units (None: all), oldest first."""
    stmt = select(PhishingCampaign)
    if unit_ids is not None:
        stmt = stmt.where(PhishingCampaign.org_unit_id.in_(list(unit_ids)))
    return list(session.scalars(stmt.order_by(PhishingCampaign.launched_at, PhishingCampaign.name)))


def versions_of(session: Session, policy_id: uuid.UUID) -> list[PolicyVersion]:
    """Return a policy's versions, newest first."""
    stmt = select(PolicyVersion).where(PolicyVersion.policy_id == policy_id).order_by(PolicyVersion.number.desc())
    return list(session.scalars(stmt))


def ack_campaigns_of(session: Session, policy_ids: Sequence[uuid.UUID]) -> list[AckCampaign]:
    """Return the acknowledgement campaigns of policies, newest first."""
    if not policy_ids:
        return []
    stmt = select(AckCampaign).where(AckCampaign.policy_id.in_(list(policy_ids)))
    return list(session.scalars(stmt.order_by(AckCampaign.created_at.desc())))


def acks_of(session: Session, campaign_ids: Sequence[uuid.UUID], unit_ids: Sequence[uuid.UUID] | None) -> list[Any]:
    """Return the acknowledgements of campaigns, limited to units (None: all)."""
    if not campaign_ids:
        return []
    stmt = select(Acknowledgement).where(Acknowledgement.campaign_id.in_(list(campaign_ids)))
    if unit_ids is not None:
        stmt = stmt.where(Acknowledgement.org_unit_id.in_(list(unit_ids)))
    return list(session.scalars(stmt))


def people_of_identities(session: Session, identity_ids: set[uuid.UUID]) -> set[uuid.UUID]:
    """Return the inventory people behind access identities (linked, or else by e-mail)."""
    from tandem.access.models import Identity

    if not identity_ids:
        return set()
    rows = session.execute(select(Identity.person_id, Identity.email).where(Identity.id.in_(list(identity_ids))))
    linked, emails = set(), set()
    for person_id, email in rows:
        if person_id is not None:
            linked.add(person_id)
        elif email:
            emails.add(email.strip().lower())
    if emails:
        stmt = select(Person.id).where(func.lower(Person.email).in_(sorted(emails)))
        linked.update(session.scalars(stmt))
    return linked


def programs_touching(session: Session, person_ids: Sequence[uuid.UUID]) -> list[Program]:
    """Return the programs whose unit tree holds one of the people, or which assigned one of them something."""
    if not person_ids:
        return []
    ids = list(person_ids)
    paths = set(session.scalars(select(OrgUnit.path).join(Person, Person.org_unit_id == OrgUnit.id)
                                .where(Person.id.in_(ids))))  # fmt: skip
    assigned = set(session.scalars(select(Assignment.program_id).where(Assignment.person_id.in_(ids))))
    rows = session.execute(select(Program, OrgUnit.path).join(OrgUnit, Program.org_unit_id == OrgUnit.id))
    return [p for p, path in rows if p.id in assigned or any(u.startswith(path) for u in paths)]

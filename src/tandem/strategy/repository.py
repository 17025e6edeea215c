"""SQL of the strategy domain: scoped lists, the initiative links, the unit's policy, plans and approvals."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from tandem.platform.auth.principal import Principal
from tandem.platform.db.paging import ListSpec, Page, PageRequest
from tandem.platform.db.repository import Repository
from tandem.platform.jobs.models import Job
from tandem.strategy.models import (
    Approval,
    Dependency,
    FitAssessment,
    Initiative,
    InitiativeApplication,
    InitiativeObjective,
    InitiativeRisk,
    Plan,
    Policy,
)

VIEW = "strategy.view"
INITIATIVE_SPEC = ListSpec(
    ("created_at", "title", "sponsor", "status", "business_value", "risk_reduction"),
    "title",
    ("org_unit_id", "sponsor", "status", "mandatory", "alt_group"),
    ("title", "description"),
)
OBJECTIVE_SPEC = ListSpec(("created_at", "title", "weight"), "title", ("org_unit_id",), ("title", "description"))
SCENARIO_SPEC = ListSpec(("created_at", "name"), "name", ("org_unit_id",), ("name",))
PLAN_SPEC = ListSpec(("created_at",), "-created_at", ("status", "approval", "scenario_id"), ("name",))
DECISION_SPEC = ListSpec(("created_at", "status"), "-created_at", ("kind", "status", "subject_id"), ("question",))
BOOL_FILTERS = {"mandatory"}
LINKS: dict[str, Any] = {
    "objectives": (InitiativeObjective, "objective_id"),
    "risks": (InitiativeRisk, "scenario_id"),
    "applications": (InitiativeApplication, "application_id"),
    "predecessors": (Dependency, "predecessor_id"),
}


class StrategyRepository(Repository[Any]):
    """Queries for one org-scoped strategy model."""

    view_action = VIEW

    def __init__(self, session: Session, model: Any) -> None:
        super().__init__(session)
        self.model = model

    def filtered(self, principal: Principal | None, filters: dict[str, Any]) -> Select[Any]:
        """Return the visible rows matching exact filters (ids and flags coerced)."""
        stmt = self.base_query(principal)
        for name, value in filters.items():
            if value is None or value == "":
                continue
            if name.endswith("_id") and isinstance(value, str):
                value = uuid.UUID(value)
            elif name in BOOL_FILTERS and isinstance(value, str):
                if value not in ("true", "false"):
                    raise ValueError(name)
                value = value == "true"
            stmt = stmt.where(getattr(self.model, name) == value)
        return stmt

    def list_page(self, principal: Principal, req: PageRequest, **where: Any) -> Page[Any]:
        """Return one page of visible rows with the request's filters."""
        stmt = self.filtered(principal, {**req.filters, **where})
        return self.page(stmt, dataclasses.replace(req, filters={}))

    def get_for_update(self, obj_id: uuid.UUID) -> Any:
        """Return a row locked until the transaction ends (serialises concurrent approvals)."""
        stmt = select(self.model).where(self.model.id == obj_id).with_for_update()
        return self.session.scalars(stmt.execution_options(populate_existing=True)).first()


def links_of(session: Session, name: str, initiative_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Any]]:
    """Return one kind of link rows per initiative."""
    model, _ = LINKS[name]
    out: dict[uuid.UUID, list[Any]] = {i: [] for i in initiative_ids}
    if initiative_ids:
        stmt = select(model).where(model.initiative_id.in_(list(initiative_ids))).order_by(model.created_at, model.id)
        for row in session.scalars(stmt):
            out[row.initiative_id].append(row)
    return out


def set_links(session: Session, name: str, initiative_id: uuid.UUID, wanted: dict[uuid.UUID, dict[str, Any]]) -> None:
    """Replace one kind of link of an initiative (ORM rows, so changes are audited)."""
    model, column = LINKS[name]
    current = {
        getattr(r, column): r for r in session.scalars(select(model).where(model.initiative_id == initiative_id))
    }
    for target, row in current.items():
        if target not in wanted:
            session.delete(row)
    for target, values in wanted.items():
        row = current.get(target)
        if row is None:
            session.add(model(initiative_id=initiative_id, **{column: target}, **values))
        else:
            for key, value in values.items():
                setattr(row, key, value)
    session.flush()


def initiatives_in(session: Session, unit_ids: list[uuid.UUID] | None) -> list[Initiative]:
    """Return the initiatives of the units (None = all), by title."""
    stmt = select(Initiative).order_by(Initiative.title)
    if unit_ids is not None:
        stmt = stmt.where(Initiative.org_unit_id.in_(unit_ids))
    return list(session.scalars(stmt))


def initiatives_linking(session: Session, name: str, target_id: uuid.UUID) -> list[uuid.UUID]:
    """Return the ids of initiatives linking a target (an application, a scenario …)."""
    model, column = LINKS[name]
    return list(session.scalars(select(model.initiative_id).where(getattr(model, column) == target_id)))


def policy_of(session: Session, unit_id: uuid.UUID) -> Policy | None:
    """Return the policy defined on exactly this unit."""
    return session.scalars(select(Policy).where(Policy.org_unit_id == unit_id)).first()


def approvals_of(session: Session, decision_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Approval]]:
    """Return the approvals per decision, oldest first."""
    out: dict[uuid.UUID, list[Approval]] = {i: [] for i in decision_ids}
    if decision_ids:
        stmt = select(Approval).where(Approval.decision_id.in_(list(decision_ids))).order_by(Approval.created_at)
        for row in session.scalars(stmt):
            out[row.decision_id].append(row)
    return out


def latest_plan(session: Session, unit_ids: list[uuid.UUID] | None, approved: bool = False) -> Plan | None:
    """Return the newest finished plan among the units (only approved ones when asked)."""
    stmt = select(Plan).where(Plan.status == "succeeded")
    if approved:
        stmt = stmt.where(Plan.approval == "approved")
    if unit_ids is not None:
        stmt = stmt.where(Plan.org_unit_id.in_(unit_ids))
    return session.scalars(stmt.order_by(Plan.created_at.desc()).limit(1)).first()


def plans_in_progress(session: Session, unit_id: uuid.UUID) -> int:
    """Count the unit's plans whose jobs are queued or running (a plan whose job died does not count)."""
    stmt = (
        select(func.count()).select_from(Plan).join(Job, Job.id == Plan.job_id)
        .where(Plan.org_unit_id == unit_id, Job.status.in_(("queued", "running")))
    )  # fmt: skip
    return int(session.scalar(stmt) or 0)


def subtree(session: Session, unit_id: uuid.UUID) -> set[uuid.UUID]:
    """Return the unit and every unit below it."""
    from tandem.platform.auth.models import OrgUnit

    path = session.scalar(select(OrgUnit.path).where(OrgUnit.id == unit_id))
    if path is None:
        return set()
    return set(session.scalars(select(OrgUnit.id).where(OrgUnit.path.startswith(path))))


def fits_for(session: Session, application_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, FitAssessment]:
    """Return the TIME fit assessments of these (already visible) applications, by application id."""
    if not application_ids:
        return {}
    rows = session.scalars(select(FitAssessment).where(FitAssessment.application_id.in_(list(application_ids))))
    return {row.application_id: row for row in rows}

"""SQL of the risk domain: scoped scenario lists, links, matrices by unit, taxonomy, runs and results."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, delete, select
from sqlalchemy.orm import Session

from tandem.platform.auth.models import OrgUnit
from tandem.platform.auth.principal import Principal
from tandem.platform.db.paging import ListSpec, Page, PageRequest
from tandem.platform.db.repository import Repository
from tandem.risk.models import Matrix, Run, Scenario, ScenarioResult, ScenarioTarget, TaxonomyTerm, Treatment

VIEW = "risk.view"
SCENARIO_SPEC = ListSpec(
    ("created_at", "title", "status", "review_date", "likelihood", "impact"),
    "-created_at",
    ("org_unit_id", "status", "threat_community", "threat_event", "owner_id", "likelihood", "impact"),
    ("title", "description"),
)
TREATMENT_SPEC = ListSpec(
    ("created_at", "title", "status"), "-created_at", ("scenario_id", "kind", "status"), ("title",)
)
RUN_SPEC = ListSpec(("created_at",), "-created_at", ("scope", "status"), ())
INT_FILTERS = {"likelihood", "impact"}


class RiskRepository(Repository[Any]):
    """Queries for one org-scoped risk model."""

    view_action = VIEW

    def __init__(self, session: Session, model: Any) -> None:
        super().__init__(session)
        self.model = model

    def filtered(self, principal: Principal | None, filters: dict[str, Any]) -> Select[Any]:
        """Return the visible rows matching exact filters (ids and ratings coerced)."""
        stmt = self.base_query(principal)
        for name, value in filters.items():
            if value is None or value == "":
                continue
            if name.endswith("_id") and isinstance(value, str):
                value = uuid.UUID(value)
            elif name in INT_FILTERS and isinstance(value, str):
                value = int(value)
            stmt = stmt.where(getattr(self.model, name) == value)
        return stmt

    def list_page(self, principal: Principal, req: PageRequest, **where: Any) -> Page[Any]:
        """Return one page of visible rows with the request's filters."""
        stmt = self.filtered(principal, {**req.filters, **where})
        return self.page(stmt, dataclasses.replace(req, filters={}))

    def get_for_update(self, obj_id: uuid.UUID) -> Any:
        """Return a row locked until the transaction ends (serialises concurrent decisions)."""
        stmt = select(self.model).where(self.model.id == obj_id).with_for_update()
        return self.session.scalars(stmt.execution_options(populate_existing=True)).first()


def set_targets(session: Session, scenario_id: uuid.UUID, targets: Sequence[tuple[str, uuid.UUID]]) -> None:
    """Replace the inventory objects a scenario threatens (ORM rows, so changes are audited)."""
    current = {t.object_id: t for t in session.scalars(select(ScenarioTarget).where(
        ScenarioTarget.scenario_id == scenario_id))}  # fmt: skip
    wanted = {obj_id: kind for kind, obj_id in targets}
    for obj_id, row in current.items():
        if obj_id not in wanted:
            session.delete(row)
    for obj_id, kind in wanted.items():
        if obj_id not in current:
            session.add(ScenarioTarget(scenario_id=scenario_id, object_kind=kind, object_id=obj_id))
    session.flush()


def targets_of(session: Session, scenario_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[tuple[str, uuid.UUID]]]:
    """Return (kind, id) targets per scenario."""
    out: dict[uuid.UUID, list[tuple[str, uuid.UUID]]] = {i: [] for i in scenario_ids}
    if not scenario_ids:
        return out
    stmt = (
        select(ScenarioTarget.scenario_id, ScenarioTarget.object_kind, ScenarioTarget.object_id)
        .where(ScenarioTarget.scenario_id.in_(list(scenario_ids)))
        .order_by(ScenarioTarget.created_at, ScenarioTarget.id)
    )
    for sid, kind, oid in session.execute(stmt):
        out[sid].append((kind, oid))
    return out


def scenarios_threatening(session: Session, object_id: uuid.UUID, unit_ids: list[uuid.UUID] | None) -> list[Scenario]:
    """Return the scenarios that threaten an inventory object (unit_ids None = unscoped)."""
    stmt = select(Scenario).join(ScenarioTarget, ScenarioTarget.scenario_id == Scenario.id)
    stmt = stmt.where(ScenarioTarget.object_id == object_id)
    if unit_ids is not None:
        stmt = stmt.where(Scenario.org_unit_id.in_(unit_ids))
    return list(session.scalars(stmt.order_by(Scenario.title)))


def unit_chain(session: Session, unit_id: uuid.UUID) -> list[uuid.UUID]:
    """Return the unit and its ancestors, nearest first."""
    chain: list[uuid.UUID] = []
    current: uuid.UUID | None = unit_id
    while current is not None and current not in chain:
        chain.append(current)
        current = session.scalar(select(OrgUnit.parent_id).where(OrgUnit.id == current))
    return chain


def matrix_for(session: Session, unit_id: uuid.UUID) -> Matrix | None:
    """Return the matrix of the unit or of its nearest ancestor that has one."""
    chain = unit_chain(session, unit_id)
    found = {m.org_unit_id: m for m in session.scalars(select(Matrix).where(Matrix.org_unit_id.in_(chain)))}
    return next((found[u] for u in chain if u in found), None)


def own_matrix(session: Session, unit_id: uuid.UUID) -> Matrix | None:
    """Return the matrix defined on exactly this unit."""
    return session.scalars(select(Matrix).where(Matrix.org_unit_id == unit_id)).first()


def terms_for(session: Session, unit_id: uuid.UUID) -> list[TaxonomyTerm]:
    """Return the taxonomy terms defined on the unit or its ancestors."""
    chain = unit_chain(session, unit_id)
    stmt = select(TaxonomyTerm).where(TaxonomyTerm.org_unit_id.in_(chain)).order_by(TaxonomyTerm.name)
    return list(session.scalars(stmt))


def treatments_of(session: Session, scenario_id: uuid.UUID) -> list[Treatment]:
    """Return a scenario's treatments, oldest first."""
    stmt = select(Treatment).where(Treatment.scenario_id == scenario_id).order_by(Treatment.created_at, Treatment.id)
    return list(session.scalars(stmt))


def scenarios_by_ids(session: Session, ids: Sequence[uuid.UUID]) -> list[Scenario]:
    """Return scenarios by id, unscoped (for jobs that were authorised when queued), in the given order."""
    if not ids:
        return []
    found = {s.id: s for s in session.scalars(select(Scenario).where(Scenario.id.in_(list(ids))))}
    return [found[i] for i in ids if i in found]


def results_of(session: Session, scenario_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, ScenarioResult]:
    """Return the latest stored result per scenario."""
    if not scenario_ids:
        return {}
    stmt = select(ScenarioResult).where(ScenarioResult.scenario_id.in_(list(scenario_ids)))
    return {r.scenario_id: r for r in session.scalars(stmt)}


def store_result(
    session: Session, scenario_id: uuid.UUID, run_id: uuid.UUID | None, stats: dict[str, Any], inputs_hash: str
) -> None:
    """Replace the stored result of a scenario."""
    session.execute(delete(ScenarioResult).where(ScenarioResult.scenario_id == scenario_id))
    session.add(ScenarioResult(scenario_id=scenario_id, run_id=run_id, stats=stats, inputs_hash=inputs_hash))
    session.flush()


def latest_portfolio_run(session: Session, unit_ids: list[uuid.UUID] | None) -> Run | None:
    """Return the newest finished portfolio or set run among the units."""
    stmt = select(Run).where(Run.status == "succeeded", Run.scope.in_(("portfolio", "set")))
    if unit_ids is not None:
        stmt = stmt.where(Run.org_unit_id.in_(unit_ids))
    return session.scalars(stmt.order_by(Run.created_at.desc()).limit(1)).first()

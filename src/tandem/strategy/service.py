"""Strategy rules: objectives, and initiatives with their links (objectives, risks, applications, dependencies)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from tandem.inventory import service as inventory
from tandem.platform.auth.permissions import require, visible_unit_ids
from tandem.platform.auth.principal import Principal
from tandem.platform.db.paging import Page, PageRequest
from tandem.platform.errors import FieldError, InvalidInput, NotFound
from tandem.risk import service as risk_service
from tandem.strategy import actions, compliance_links, riskcalc
from tandem.strategy import repository as repo
from tandem.strategy.common import check, require_in_unit
from tandem.strategy.models import Initiative, Objective
from tandem.strategy.repository import StrategyRepository
from tandem.strategy.schemas import InitiativeCreate, InitiativeRead, InitiativeUpdate, ObjectiveCreate, ObjectiveUpdate

LINK_FIELDS = ("predecessors", "objectives", "risks", "applications")
PLAIN = ("title", "description", "sponsor", "status", "value_mode", "business_value", "value_low", "value_high",
         "value_score", "duration", "costs", "staff", "earliest_quarter", "mandatory", "deadline_quarter",
         "regulation", "compliance_ref", "alt_group", "time_exception")  # fmt: skip
NULLABLE = {"value_low", "value_high", "value_score", "deadline_quarter", "alt_group"}


# --- objectives -------------------------------------------------------------------------------------------------


def get_objective(session: Session, principal: Principal | None, objective_id: uuid.UUID) -> Objective:
    """Return an objective principal may see."""
    found = StrategyRepository(session, Objective).get(principal, objective_id)
    if found is None:
        raise NotFound("objective not found")
    return found


def list_objectives(session: Session, principal: Principal, req: PageRequest) -> Page[Any]:
    """List the objectives principal may see."""
    require(session, principal, actions.VIEW.name)
    return StrategyRepository(session, Objective).list_page(principal, req)


def _owner_errors(session: Session, principal: Principal | None, owner_id: uuid.UUID | None) -> list[FieldError]:
    if owner_id is None:
        return []
    try:
        inventory.get_record(session, principal, inventory.kind_of("person"), owner_id)
    except NotFound:
        return [FieldError("body.owner_id", "no such person in the inventory")]
    return []


def create_objective(session: Session, principal: Principal | None, data: ObjectiveCreate) -> Objective:
    """Add a business objective."""
    require_in_unit(session, principal, data.org_unit_id, actions.EDIT.name)
    errors = _owner_errors(session, principal, data.owner_id)
    if errors:
        raise InvalidInput(errors)
    return StrategyRepository(session, Objective).add(Objective(**data.model_dump()))


def update_objective(
    session: Session, principal: Principal | None, objective_id: uuid.UUID, data: ObjectiveUpdate
) -> Objective:
    """Change an objective."""
    objective = get_objective(session, principal, objective_id)
    check(session, principal, actions.EDIT.name, objective)
    patch = data.model_dump(exclude_unset=True)
    errors = _owner_errors(session, principal, patch.get("owner_id"))
    if errors:
        raise InvalidInput(errors)
    for key, value in patch.items():
        if value is not None or key == "owner_id":
            setattr(objective, key, value)
    session.flush()
    return objective


def delete_objective(session: Session, principal: Principal | None, objective_id: uuid.UUID) -> None:
    """Delete an objective (its links to initiatives go with it)."""
    objective = get_objective(session, principal, objective_id)
    check(session, principal, actions.EDIT.name, objective)
    StrategyRepository(session, Objective).delete(objective)


# --- initiatives ------------------------------------------------------------------------------------------------


def get_initiative(session: Session, principal: Principal | None, initiative_id: uuid.UUID) -> Initiative:
    """Return an initiative principal may see."""
    found = StrategyRepository(session, Initiative).get(principal, initiative_id)
    if found is None:
        raise NotFound("initiative not found")
    return found


def list_initiatives(session: Session, principal: Principal, req: PageRequest) -> Page[Any]:
    """List the initiatives principal may see, with filters and search."""
    require(session, principal, actions.VIEW.name)
    try:
        return StrategyRepository(session, Initiative).list_page(principal, req)
    except ValueError:
        raise InvalidInput.one("query", "a filter value has the wrong type") from None


def visible_initiatives(session: Session, principal: Principal | None) -> list[Initiative]:
    """Return every initiative principal may see, by title."""
    if principal is None:
        return repo.initiatives_in(session, None)
    require(session, principal, actions.VIEW.name)
    return repo.initiatives_in(session, visible_unit_ids(session, principal, actions.VIEW.name))


def _per_quarter(values: list[float], duration: int, where: str) -> tuple[list[float], list[FieldError]]:
    """Return one figure per active quarter: a single figure repeats; otherwise the count must match."""
    if len(values) == 1:
        return values * duration, []
    if len(values) != duration:
        return values, [FieldError(where, f"give one figure or one per active quarter ({duration})")]
    return values, []


def _shape_errors(values: dict[str, Any]) -> list[FieldError]:
    errors: list[FieldError] = []
    duration = int(values.get("duration") or 1)
    values["costs"], found = _per_quarter(list(values.get("costs") or [0.0]), duration, "body.costs")
    errors += found
    staff = {}
    for pool, need in (values.get("staff") or {}).items():
        staff[pool], found = _per_quarter(list(need), duration, f"body.staff.{pool}")
        errors += found
    values["staff"] = staff
    if values.get("mandatory") and values.get("deadline_quarter") is None:
        errors.append(FieldError("body.deadline_quarter", "a mandatory item needs its regulatory deadline quarter"))
    if values.get("value_mode") == "score" and values.get("value_score") is None:
        errors.append(FieldError("body.value_score", "score-valued initiatives need a score from 0 to 10"))
    return errors


Links = dict[uuid.UUID, dict[str, Any]]


def _objective_links(session: Session, principal: Principal | None, items: list[Any]) -> tuple[Links, list[FieldError]]:
    out: Links = {}
    errors = []
    for n, link in enumerate(items):
        try:
            get_objective(session, principal, link.objective_id)
        except NotFound:
            errors.append(FieldError(f"body.objectives.{n}.objective_id", "no visible objective with this id"))
        out[link.objective_id] = {"contribution": link.contribution}
    return out, errors


def _risk_links(session: Session, principal: Principal | None, items: list[Any]) -> tuple[Links, list[FieldError]]:
    out: Links = {}
    errors: list[FieldError] = []
    for n, risk in enumerate(items):
        try:
            scenario = risk_service.get_scenario(session, principal, risk.scenario_id)
        except NotFound:
            errors.append(FieldError(f"body.risks.{n}.scenario_id", "no visible risk scenario with this id"))
            continue
        effect = risk.effect.model_dump(exclude_none=True)
        errors += riskcalc.effect_errors(scenario, effect, f"body.risks.{n}.effect")
        out[risk.scenario_id] = {"effect": effect}
    return out, errors


def _app_links(
    session: Session, principal: Principal | None, items: list[Any], exception: str
) -> tuple[Links, list[FieldError]]:
    """Resolve affected applications; investing in one to be eliminated needs a flagged exception."""
    out: Links = {}
    errors = []
    kind = inventory.kind_of("application")
    for n, link in enumerate(items):
        try:
            app = inventory.get_record(session, principal, kind, link.application_id)
        except NotFound:
            errors.append(FieldError(f"body.applications.{n}.application_id", "no visible application"))
            continue
        if app.time_disposition == "eliminate" and link.action == "invest" and not exception.strip():
            errors.append(FieldError(f"body.applications.{n}.action", f"{app.name} is to be eliminated (TIME); "
                                     "investing in it needs a flagged exception (time_exception)"))  # fmt: skip
        out[link.application_id] = {"action": link.action}
    return out, errors


def _pred_links(
    session: Session, principal: Principal | None, items: list[uuid.UUID], self_id: uuid.UUID | None
) -> tuple[Links, list[FieldError]]:
    out: Links = {}
    errors = []
    for n, pred_id in enumerate(items):
        try:
            get_initiative(session, principal, pred_id)
        except NotFound:
            errors.append(FieldError(f"body.predecessors.{n}", "no visible initiative with this id"))
            continue
        if pred_id == self_id:
            errors.append(FieldError(f"body.predecessors.{n}", "an initiative cannot follow itself"))
        out[pred_id] = {}
    return out, errors


def _link_values(
    session: Session, principal: Principal | None, data: Any, exception: str, self_id: uuid.UUID | None
) -> tuple[dict[str, Links], list[FieldError]]:
    """Resolve the submitted links; check they are visible, effects valid and TIME dispositions respected."""
    out: dict[str, Links] = {}
    errors: list[FieldError] = []
    found: list[FieldError]
    if data.objectives is not None:
        out["objectives"], found = _objective_links(session, principal, data.objectives)
        errors += found
    if data.risks is not None:
        out["risks"], found = _risk_links(session, principal, data.risks)
        errors += found
    if data.applications is not None:
        out["applications"], found = _app_links(session, principal, data.applications, exception)
        errors += found
    if data.predecessors is not None:
        out["predecessors"], found = _pred_links(session, principal, data.predecessors, self_id)
        errors += found
    return out, errors


def _save_links(session: Session, initiative: Initiative, links: dict[str, Links]) -> None:
    for name, wanted in links.items():
        repo.set_links(session, name, initiative.id, wanted)
    if "risks" in links:
        riskcalc.refresh(session, initiative)


def create_initiative(session: Session, principal: Principal | None, data: InitiativeCreate) -> Initiative:
    """Add an initiative with its links; its ΔALE comes from the risk engine's what-if."""
    require_in_unit(session, principal, data.org_unit_id, actions.EDIT.name)
    values = {k: v for k, v in data.model_dump(exclude=set(LINK_FIELDS)).items() if v is not None or k in NULLABLE}
    errors = _shape_errors(values) + compliance_links.ref_errors(
        session, principal, values.get("compliance_ref"), "body.compliance_ref"
    )
    links, found = _link_values(session, principal, data, values.get("time_exception") or "", None)
    if errors + found:
        raise InvalidInput(errors + found)
    initiative = StrategyRepository(session, Initiative).add(Initiative(**values))
    _save_links(session, initiative, links)
    return initiative


def update_initiative(
    session: Session, principal: Principal | None, initiative_id: uuid.UUID, data: InitiativeUpdate
) -> Initiative:
    """Change an initiative and (when given) replace its links."""
    initiative = get_initiative(session, principal, initiative_id)
    check(session, principal, actions.EDIT.name, initiative)
    patch = data.model_dump(exclude_unset=True, exclude=set(LINK_FIELDS))
    merged = {k: getattr(initiative, k) for k in PLAIN}
    merged.update({k: v for k, v in patch.items() if v is not None or k in NULLABLE})
    if "costs" not in patch and "duration" in patch:
        merged["costs"] = merged["costs"][:1]  # a new duration re-spreads the per-quarter figures
        merged["staff"] = {p: v[:1] for p, v in merged["staff"].items()}
    errors = _shape_errors(merged)
    if "compliance_ref" in patch:
        errors += compliance_links.ref_errors(session, principal, patch["compliance_ref"], "body.compliance_ref")
    links, found = _link_values(session, principal, data, merged.get("time_exception") or "", initiative.id)
    if errors + found:
        raise InvalidInput(errors + found)
    for key in PLAIN:
        setattr(initiative, key, merged[key])
    session.flush()
    _save_links(session, initiative, links)
    return initiative


def delete_initiative(session: Session, principal: Principal | None, initiative_id: uuid.UUID) -> None:
    """Delete an initiative with its links (successors lose it as a predecessor)."""
    initiative = get_initiative(session, principal, initiative_id)
    check(session, principal, actions.EDIT.name, initiative)
    for name in LINK_FIELDS:
        repo.set_links(session, name, initiative.id, {})
    for successor in repo.initiatives_linking(session, "predecessors", initiative.id):
        current = repo.links_of(session, "predecessors", [successor])[successor]
        repo.set_links(session, "predecessors", successor,
                       {r.predecessor_id: {} for r in current if r.predecessor_id != initiative.id})  # fmt: skip
    StrategyRepository(session, Initiative).delete(initiative)


def to_read(session: Session, initiative: Initiative) -> InitiativeRead:
    """Return the output schema with the links."""
    out = InitiativeRead.model_validate(initiative)
    ids = [initiative.id]
    out.predecessors = [r.predecessor_id for r in repo.links_of(session, "predecessors", ids)[initiative.id]]
    out.objectives = [{"objective_id": str(r.objective_id), "contribution": r.contribution}
                      for r in repo.links_of(session, "objectives", ids)[initiative.id]]  # fmt: skip
    out.risks = [{"scenario_id": str(r.scenario_id), "effect": r.effect}
                 for r in repo.links_of(session, "risks", ids)[initiative.id]]  # fmt: skip
    out.applications = [{"application_id": str(r.application_id), "action": r.action}
                        for r in repo.links_of(session, "applications", ids)[initiative.id]]  # fmt: skip
    return out

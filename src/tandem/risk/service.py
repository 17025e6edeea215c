"""Risk register rules: scenarios, what they threaten, their qualitative rating and FAIR inputs, the taxonomy."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from tandem.inventory import service as inventory
from tandem.platform.auth.permissions import require, visible_unit_ids
from tandem.platform.auth.principal import Principal
from tandem.platform.db.paging import Page, PageRequest
from tandem.platform.errors import Conflict, FieldError, InvalidInput, NotFound
from tandem.risk import actions, inputs, simulation
from tandem.risk import repository as repo
from tandem.risk.common import check, require_in_unit
from tandem.risk.fair import FairInputError, what_if
from tandem.risk.matrix import level_of, matrix_data
from tandem.risk.models import Scenario, TaxonomyTerm, Treatment
from tandem.risk.repository import RiskRepository
from tandem.risk.schemas import (
    Acceptance,
    ScenarioCreate,
    ScenarioRead,
    ScenarioUpdate,
    TargetRef,
    TermCreate,
    TreatmentCreate,
)
from tandem.risk.vocab import DEFAULT_TAXONOMY

__all__ = ["create_scenario", "delete_scenario", "get_scenario", "list_scenarios", "to_read", "update_scenario"]
FIELDS = ("title", "description", "threat_community", "threat_event", "loss_types", "owner_id", "status",
          "review_date", "likelihood", "impact", "fair")  # fmt: skip


def get_scenario(session: Session, principal: Principal | None, scenario_id: uuid.UUID) -> Scenario:
    """Return a scenario principal may see."""
    obj = RiskRepository(session, Scenario).get(principal, scenario_id)
    if obj is None:
        raise NotFound("risk scenario not found")
    return obj


def list_scenarios(session: Session, principal: Principal, req: PageRequest) -> Page[Any]:
    """List the scenarios principal may see, with filters and search."""
    require(session, principal, actions.VIEW.name)
    try:
        return RiskRepository(session, Scenario).list_page(principal, req)
    except ValueError:
        raise InvalidInput.one("query", "a filter value has the wrong type") from None


def visible_scenarios(session: Session, principal: Principal | None, filters: dict[str, Any]) -> list[Scenario]:
    """Return every visible scenario matching exact filters (heat map, portfolio)."""
    if principal is not None:
        require(session, principal, actions.VIEW.name)
    stmt = RiskRepository(session, Scenario).filtered(principal, filters).order_by(Scenario.title)
    return list(session.scalars(stmt))


def _owner_errors(session: Session, principal: Principal | None, owner_id: uuid.UUID | None) -> list[FieldError]:
    if owner_id is None:
        return []
    try:
        inventory.get_record(session, principal, inventory.kind_of("person"), owner_id)
    except NotFound:
        return [FieldError("body.owner_id", "no such person in the inventory")]
    return []


def _targets(
    session: Session, principal: Principal | None, targets: list[TargetRef]
) -> tuple[list[tuple[str, uuid.UUID]], list[FieldError]]:
    out, errors = [], []
    for n, ref in enumerate(targets):
        try:
            kind = inventory.kind_of(ref.kind)
            inventory.get_record(session, principal, kind, ref.id)
        except (KeyError, NotFound):
            errors.append(FieldError(f"body.targets.{n}", f"no visible {ref.kind} with this id in the inventory"))
            continue
        out.append((kind.entity, ref.id))
    return out, errors


def taxonomy(session: Session, unit_id: uuid.UUID) -> dict[str, list[str]]:
    """Return the threat communities and events usable in a unit: the defaults plus the unit tree's own."""
    out = {k: list(v) for k, v in DEFAULT_TAXONOMY.items()}
    for term in repo.terms_for(session, unit_id):
        if term.name not in out[term.kind]:
            out[term.kind].append(term.name)
    return out


def _value_errors(session: Session, unit_id: uuid.UUID, values: dict[str, Any]) -> list[FieldError]:
    errors: list[FieldError] = []
    terms = taxonomy(session, unit_id)
    for kind in ("threat_community", "threat_event"):
        if values.get(kind) and values[kind] not in terms[kind]:
            errors.append(FieldError(f"body.{kind}", "not in the taxonomy; add it first or pick a listed one"))
    matrix = matrix_data(session, unit_id)
    for name, labels in (("likelihood", matrix["likelihood_labels"]), ("impact", matrix["impact_labels"])):
        if values.get(name) is not None and not 1 <= values[name] <= len(labels):
            errors.append(FieldError(f"body.{name}", f"must be from 1 to {len(labels)} (the matrix's scale)"))
    if values.get("fair") is not None:
        errors += [FieldError(f"body.fair.{p}" if p else "body.fair", r) for p, r in inputs.check_fair(values["fair"])]
    return errors


def create_scenario(
    session: Session, principal: Principal | None, data: ScenarioCreate, quantify: bool = True
) -> Scenario:
    """Add a scenario with its targets; quantify it at once when FAIR inputs are given."""
    require_in_unit(session, principal, data.org_unit_id, actions.EDIT.name)
    values = data.model_dump(exclude={"targets"})
    targets, errors = _targets(session, principal, data.targets)
    errors = (
        _owner_errors(session, principal, data.owner_id) + errors + _value_errors(session, data.org_unit_id, values)
    )
    if errors:
        raise InvalidInput(errors)
    scenario = RiskRepository(session, Scenario).add(Scenario(**values))
    repo.set_targets(session, scenario.id, targets)
    if scenario.fair and quantify:
        simulation.simulate_inline(session, scenario)
    return scenario


def update_scenario(
    session: Session, principal: Principal | None, scenario_id: uuid.UUID, data: ScenarioUpdate
) -> Scenario:
    """Change a scenario; re-simulate inline when its FAIR inputs changed."""
    scenario = get_scenario(session, principal, scenario_id)
    check(session, principal, actions.EDIT.name, scenario)
    patch = data.model_dump(exclude_unset=True, exclude={"targets"})
    targets, errors = _targets(session, principal, data.targets or [])
    errors = _owner_errors(session, principal, patch.get("owner_id")) + errors
    errors += _value_errors(session, scenario.org_unit_id, patch)
    if errors:
        raise InvalidInput(errors)
    fair_changed = "fair" in patch and patch["fair"] != scenario.fair
    for key in FIELDS:
        if key in patch and (patch[key] is not None or key in ("owner_id", "review_date", "likelihood",
                                                                 "impact", "fair")):  # fmt: skip
            setattr(scenario, key, patch[key])
    if data.targets is not None:
        repo.set_targets(session, scenario.id, targets)
    session.flush()
    if fair_changed:
        simulation.forget_or_simulate(session, scenario)
    return scenario


def delete_scenario(session: Session, principal: Principal | None, scenario_id: uuid.UUID) -> None:
    """Delete a scenario with its targets, treatments and result."""
    scenario = get_scenario(session, principal, scenario_id)
    check(session, principal, actions.EDIT.name, scenario)
    repo.set_targets(session, scenario.id, [])
    for treatment in repo.treatments_of(session, scenario.id):
        session.delete(treatment)
    repo.store_result(session, scenario.id, None, {}, "")
    simulation.forget(session, scenario.id)
    RiskRepository(session, Scenario).delete(scenario)


def to_read(session: Session, scenario: Scenario) -> ScenarioRead:
    """Return the output schema with targets and the matrix level."""
    out = ScenarioRead.model_validate(scenario)
    out.targets = [{"kind": k, "id": str(i)} for k, i in repo.targets_of(session, [scenario.id])[scenario.id]]
    out.level = level_of(matrix_data(session, scenario.org_unit_id), scenario.likelihood, scenario.impact)
    return out


def target_labels(session: Session, principal: Principal, scenario: Scenario) -> list[dict[str, Any]]:
    """Return the scenario's targets with labels (only what principal may see)."""
    out = []
    for kind_name, obj_id in repo.targets_of(session, [scenario.id])[scenario.id]:
        kind = inventory.kind_of(kind_name)
        try:
            obj = inventory.get_record(session, principal, kind, obj_id)
        except NotFound:
            continue
        out.append({"kind": kind_name, "plural": kind.plural, "id": obj_id, "label": inventory.label_of(kind, obj)})
    return out


def scenarios_for_object(session: Session, principal: Principal, object_id: uuid.UUID) -> list[Scenario]:
    """Return the visible scenarios that threaten an inventory object (for other domains' pages)."""
    require(session, principal, actions.VIEW.name)
    return repo.scenarios_threatening(session, object_id, visible_unit_ids(session, principal, actions.VIEW.name))


def add_term(session: Session, principal: Principal | None, data: TermCreate) -> TaxonomyTerm:
    """Add a threat community or event to a unit's taxonomy."""
    require_in_unit(session, principal, data.org_unit_id, actions.EDIT.name)
    if data.name in taxonomy(session, data.org_unit_id)[data.kind]:
        raise Conflict(f"{data.name!r} is already in the taxonomy")
    return RiskRepository(session, TaxonomyTerm).add(TaxonomyTerm(**data.model_dump()))


def delete_term(session: Session, principal: Principal | None, term_id: uuid.UUID) -> None:
    """Remove a term a unit added (the defaults stay)."""
    term = RiskRepository(session, TaxonomyTerm).get(principal, term_id)
    if term is None:
        raise NotFound("taxonomy term not found")
    check(session, principal, actions.EDIT.name, term)
    RiskRepository(session, TaxonomyTerm).delete(term)


def effect_problems(fair: dict[str, Any] | None, effect: dict[str, Any]) -> list[tuple[str, str]]:
    """Return (path, reason) problems of an expected effect (a treatment's) on a scenario's FAIR inputs."""
    try:
        treatment = inputs.to_treatment(effect)
        return treatment.check_for(inputs.to_scenario("check", fair)) if fair else []
    except FairInputError as exc:
        return list(exc.errors)


def what_if_effects(
    effects: list[tuple[str, dict[str, Any], dict[str, Any]]], cost: float, years: int, seed: int = 0
) -> tuple[float, float, float]:
    """Return the mean annual loss reduction and its 5th/95th percentiles for (key, FAIR inputs, effect) triples."""
    scenarios = [inputs.to_scenario(key, fair) for key, fair, _ in effects]
    treatments = {key: inputs.to_treatment(effect) for key, _, effect in effects}
    result = what_if(scenarios, treatments, max(cost, 1.0), years=years, seed=seed)
    return result.ale_reduction, result.reduction_p5, result.reduction_p95


# Treatments belong to the service other domains use (incident follow-ups, unfunded strategy risks). treatments.py
# builds on this module, so it is imported when called.
def create_treatment(session: Session, principal: Principal | None, data: TreatmentCreate) -> Treatment:
    """Add a treatment to a scenario (see treatments.create_treatment)."""
    from tandem.risk import treatments

    return treatments.create_treatment(session, principal, data)


def accept(
    session: Session, principal: Principal | None, treatment_id: uuid.UUID, data: Acceptance, who: str
) -> Treatment:
    """Record a risk acceptance on an 'accept' treatment (see treatments.accept)."""
    from tandem.risk import treatments

    return treatments.accept(session, principal, treatment_id, data, who)

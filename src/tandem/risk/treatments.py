"""Treatments of a scenario: mitigate, transfer, avoid or accept; expected effect, cost, links; acceptance."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from tandem.compliance.controls import service as controls
from tandem.platform.auth.permissions import require
from tandem.platform.auth.principal import Principal
from tandem.platform.db.paging import Page, PageRequest
from tandem.platform.db.types import utcnow
from tandem.platform.errors import Conflict, FieldError, InvalidInput, NotFound
from tandem.risk import actions, inputs
from tandem.risk.common import check
from tandem.risk.fair import FairInputError
from tandem.risk.models import Scenario, Treatment
from tandem.risk.repository import RiskRepository
from tandem.risk.schemas import Acceptance, TreatmentCreate, TreatmentUpdate
from tandem.risk.service import get_scenario

FIELDS = ("title", "description", "status", "annual_cost", "initiatives")


def _control_errors(session: Session, principal: Principal | None, ids: list[uuid.UUID]) -> list[FieldError]:
    errors = []
    for n, cid in enumerate(ids):
        try:
            controls.get_control(session, principal, cid)
        except NotFound:
            errors.append(FieldError(f"body.control_ids.{n}", "no visible control with this id"))
    return errors


def _effect_errors(scenario: Scenario, effect: dict[str, Any]) -> list[FieldError]:
    try:
        treatment = inputs.to_treatment(effect)
        problems = treatment.check_for(inputs.to_scenario("check", scenario.fair)) if scenario.fair else []
    except FairInputError as exc:
        problems = exc.errors
    return [FieldError(f"body.effect.{p}" if p else "body.effect", r) for p, r in problems]


def get_treatment(session: Session, principal: Principal | None, treatment_id: uuid.UUID) -> Treatment:
    """Return a treatment principal may see."""
    found = RiskRepository(session, Treatment).get(principal, treatment_id)
    if found is None:
        raise NotFound("treatment not found")
    return found


def list_treatments(session: Session, principal: Principal, req: PageRequest) -> Page[Any]:
    """List the treatments principal may see."""
    require(session, principal, actions.VIEW.name)
    try:
        return RiskRepository(session, Treatment).list_page(principal, req)
    except ValueError:
        raise InvalidInput.one("query", "a filter value has the wrong type") from None


def create_treatment(session: Session, principal: Principal | None, data: TreatmentCreate) -> Treatment:
    """Add a treatment to a scenario (it lives in the scenario's unit)."""
    try:
        scenario = get_scenario(session, principal, data.scenario_id)
    except NotFound:
        raise InvalidInput.one("body.scenario_id", "no visible risk scenario with this id") from None
    check(session, principal, actions.EDIT.name, scenario)
    effect = data.effect.model_dump(exclude_none=True)
    errors = _effect_errors(scenario, effect) + _control_errors(session, principal, data.control_ids)
    if errors:
        raise InvalidInput(errors)
    values = data.model_dump(exclude={"effect", "control_ids"})
    values["control_ids"] = [str(c) for c in data.control_ids]
    return RiskRepository(session, Treatment).add(Treatment(**values, effect=effect, org_unit_id=scenario.org_unit_id))


def update_treatment(
    session: Session, principal: Principal | None, treatment_id: uuid.UUID, data: TreatmentUpdate
) -> Treatment:
    """Change a treatment (an accepted one only through a new acceptance)."""
    treatment = get_treatment(session, principal, treatment_id)
    check(session, principal, actions.EDIT.name, treatment)
    patch = data.model_dump(exclude_unset=True)
    scenario = session.get(Scenario, treatment.scenario_id)
    errors: list[FieldError] = []
    if data.effect is not None and scenario is not None:
        errors += _effect_errors(scenario, data.effect.model_dump(exclude_none=True))
    if data.control_ids is not None:
        errors += _control_errors(session, principal, data.control_ids)
    if errors:
        raise InvalidInput(errors)
    for key in FIELDS:
        if patch.get(key) is not None:
            setattr(treatment, key, patch[key])
    if data.effect is not None:
        treatment.effect = data.effect.model_dump(exclude_none=True)
    if data.control_ids is not None:
        treatment.control_ids = [str(c) for c in data.control_ids]
    session.flush()
    return treatment


def delete_treatment(session: Session, principal: Principal | None, treatment_id: uuid.UUID) -> None:
    """Delete a treatment."""
    treatment = get_treatment(session, principal, treatment_id)
    check(session, principal, actions.EDIT.name, treatment)
    RiskRepository(session, Treatment).delete(treatment)


def accept(
    session: Session, principal: Principal | None, treatment_id: uuid.UUID, data: Acceptance, who: str
) -> Treatment:
    """Record a risk acceptance: who, why and until when; the scenario becomes accepted. Exactly once."""
    treatment = get_treatment(session, principal, treatment_id)
    check(session, principal, actions.ACCEPT.name, treatment)
    if treatment.kind != "accept":
        raise Conflict("only an 'accept' treatment can be accepted")
    if data.until <= utcnow().date():
        raise InvalidInput.one("body.until", "must be in the future")
    # Lock the row, then decide: of two acceptances at once, the second sees the first and is refused.
    locked = RiskRepository(session, Treatment).get_for_update(treatment.id)
    if locked is None:
        raise NotFound("treatment not found")
    if locked.status == "accepted":
        raise Conflict(f"already accepted by {locked.accepted_by} until {locked.accepted_until}")
    locked.status, locked.accepted_by, locked.accepted_at = "accepted", who, utcnow()
    locked.acceptance_reason, locked.accepted_until = data.reason, data.until
    scenario = session.get(Scenario, locked.scenario_id)
    if scenario is not None:
        scenario.status = "accepted"
    session.flush()
    return locked

"""The DPIA workflow: draft (description, necessity, risks, measures) → DPO review (opinion) → signed off or
rejected; a high residual risk flags Art. 36 prior consultation."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from tandem.platform.auth.permissions import require
from tandem.platform.auth.principal import Principal
from tandem.platform.db.paging import Page, PageRequest
from tandem.platform.db.types import utcnow
from tandem.platform.errors import Conflict, FieldError, InvalidInput, NotFound
from tandem.platform.references import choices, resolve
from tandem.privacy import actions
from tandem.privacy.common import actor_of, check
from tandem.privacy.models import Dpia
from tandem.privacy.repository import DpiaRepository
from tandem.privacy.schemas import DpiaCreate, DpiaRead, DpiaUpdate, DpoOpinion, ScenarioLink, SignOff
from tandem.privacy.service import get_activity

REQUIRED_FOR_REVIEW = ("description", "necessity", "measures")
SCENARIO = "risk.scenario"  # the kind the risk domain registers in platform.references


def _scenario_errors(
    session: Session, principal: Principal | None, values: dict[str, Any], kept: tuple[str, ...] = ()
) -> list[FieldError]:
    """Return a located error for every newly linked scenario that is unknown or outside principal's scope (a link
    someone else made to a scenario this editor cannot see is kept, not re-checked)."""
    errors = []
    for n, ref in enumerate(values.get("risk_scenario_ids") or []):
        if str(ref) in kept:
            continue
        if resolve(session, principal, SCENARIO, uuid.UUID(str(ref))) is None:
            errors.append(FieldError(f"body.risk_scenario_ids.{n}", "no visible risk scenario with this id"))
    return errors


def _unique(ids: list[str]) -> list[str]:
    return list(dict.fromkeys(ids))


def get_dpia(session: Session, principal: Principal | None, dpia_id: uuid.UUID) -> Dpia:
    """Return a DPIA principal may see."""
    obj = DpiaRepository(session).get(principal, dpia_id)
    if obj is None:
        raise NotFound("DPIA not found")
    return obj


def list_dpias(session: Session, principal: Principal, req: PageRequest) -> Page[Dpia]:
    """List the DPIAs principal may see."""
    import dataclasses

    require(session, principal, actions.VIEW.name)
    repo = DpiaRepository(session)
    stmt = repo.base_query(principal)
    try:
        for name, value in req.filters.items():
            stmt = stmt.where(getattr(Dpia, name) == (uuid.UUID(value) if name.endswith("_id") else value))
    except ValueError:
        raise InvalidInput.one("query", "a filter value has the wrong type") from None
    return repo.page(stmt, dataclasses.replace(req, filters={}))


def create_dpia(session: Session, principal: Principal | None, data: DpiaCreate) -> Dpia:
    """Start a DPIA of a processing activity (in the activity's unit)."""
    try:
        activity = get_activity(session, principal, data.activity_id)
    except NotFound:
        raise InvalidInput.one("body.activity_id", "no visible processing activity with this id") from None
    check(session, principal, actions.EDIT.name, activity)
    values = data.model_dump(mode="json")
    errors = _scenario_errors(session, principal, values)
    if errors:
        raise InvalidInput(errors)
    values["activity_id"], values["risk_scenario_ids"] = activity.id, _unique(values["risk_scenario_ids"])
    return DpiaRepository(session).add(Dpia(**values, org_unit_id=activity.org_unit_id))


def update_dpia(session: Session, principal: Principal | None, dpia_id: uuid.UUID, data: DpiaUpdate) -> Dpia:
    """Change a DPIA in draft, or send it to the DPO (the Art. 35(7) content must be there)."""
    dpia = get_dpia(session, principal, dpia_id)
    check(session, principal, actions.EDIT.name, dpia)
    if dpia.status in ("signed_off", "rejected"):
        raise Conflict(f"the DPIA is {dpia.status.replace('_', ' ')}; start a new one to revise it")
    patch = data.model_dump(mode="json", exclude_unset=True)
    errors = _scenario_errors(session, principal, patch, tuple(dpia.risk_scenario_ids))
    if errors:
        raise InvalidInput(errors)
    if patch.get("risk_scenario_ids") is not None:
        patch["risk_scenario_ids"] = _unique(patch["risk_scenario_ids"])
    for key, value in patch.items():
        if value is not None:
            setattr(dpia, key, value)
    if patch.get("status") == "dpo_review":
        missing = [
            FieldError(f"body.{k}", "required before the DPO review (Art. 35(7))")
            for k in REQUIRED_FOR_REVIEW
            if not getattr(dpia, k).strip()
        ]
        if not dpia.risks:
            missing.append(FieldError("body.risks", "assess at least one risk to rights and freedoms"))
        if not dpia.residual_risk:
            missing.append(FieldError("body.residual_risk", "rate the residual risk"))
        if missing:
            raise InvalidInput(missing)
    session.flush()
    return dpia


def give_opinion(session: Session, principal: Principal | None, dpia_id: uuid.UUID, data: DpoOpinion) -> Dpia:
    """Record the DPO's opinion on a DPIA under review."""
    dpia = get_dpia(session, principal, dpia_id)
    check(session, principal, actions.EDIT.name, dpia)
    if dpia.status != "dpo_review":
        raise Conflict("send the DPIA to the DPO review first")
    dpia.dpo_name, dpia.dpo_opinion = data.dpo_name, data.opinion
    session.flush()
    return dpia


def sign_off(session: Session, principal: Principal | None, dpia_id: uuid.UUID, data: SignOff) -> Dpia:
    """Sign the DPIA off (or reject it) once the DPO has given an opinion."""
    dpia = get_dpia(session, principal, dpia_id)
    check(session, principal, actions.SIGN.name, dpia)
    if dpia.status != "dpo_review" or not dpia.dpo_opinion:
        raise Conflict("a DPIA is signed off after the DPO's opinion")
    dpia.status, dpia.signed_off_by, dpia.signed_off_at = data.decision, actor_of(principal), utcnow()
    session.flush()
    return dpia


def scenario_links(session: Session, principal: Principal | None, dpia: Dpia) -> list[ScenarioLink]:
    """Return the DPIA's linked risk scenarios as principal may see them (unlabelled when gone or out of scope)."""
    out = []
    for ref in dpia.risk_scenario_ids:
        try:
            found = resolve(session, principal, SCENARIO, uuid.UUID(ref))
        except ValueError:
            found = None
        link = ScenarioLink(id=ref)
        if found is not None:
            link = ScenarioLink(id=ref, label=found.label, url=found.url, detail=found.detail)
        out.append(link)
    return out


def scenario_choices(session: Session, principal: Principal | None) -> list[tuple[str, str]]:
    """Return the risk scenarios principal may link a DPIA to, as (id, title)."""
    return choices(session, principal, SCENARIO)


def to_read(dpia: Dpia, links: list[ScenarioLink] | None = None) -> DpiaRead:
    """Return the output schema (with the resolved scenario links when given); a high residual risk means Art. 36
    prior consultation."""
    out = DpiaRead.model_validate(dpia)
    out.prior_consultation = dpia.residual_risk == "high"
    if links is not None:
        out.risk_scenarios = links
    return out


def read(session: Session, principal: Principal | None, dpia: Dpia) -> DpiaRead:
    """Return the output schema with the linked scenarios resolved for principal."""
    return to_read(dpia, scenario_links(session, principal, dpia))


def delete_dpia(session: Session, principal: Principal | None, dpia_id: uuid.UUID) -> None:
    """Delete a DPIA that was not signed off (signed ones are the record)."""
    dpia = get_dpia(session, principal, dpia_id)
    check(session, principal, actions.EDIT.name, dpia)
    if dpia.status == "signed_off":
        raise Conflict("a signed-off DPIA stays on record")
    DpiaRepository(session).delete(dpia)

"""What lower domains may link to in the risk register, through the platform's reference registry: a scenario by
id (DPIA risks), the scenarios that threaten a vendor (the vendor page), and the scenarios one may pick."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from tandem.platform.auth.principal import Principal
from tandem.platform.errors import NotFound, PermissionDenied
from tandem.platform.references import Ref, register_choices, register_related, register_resolver
from tandem.risk import actions, matrix, service
from tandem.risk import repository as repo
from tandem.risk.models import Scenario

KIND = "risk.scenario"


def _may_view(principal: Principal | None) -> bool:
    return principal is None or (principal.user_id is not None and principal.can_anywhere(actions.VIEW.name))


def _refs(session: Session, scenarios: list[Scenario]) -> list[Ref]:
    results = repo.results_of(session, [s.id for s in scenarios])
    out = []
    for s in scenarios:
        parts = []
        level = matrix.level_of(matrix.matrix_data(session, s.org_unit_id), s.likelihood, s.impact)
        if level:
            parts.append(f"level {level}")
        mean = (results[s.id].stats or {}).get("mean") if s.id in results else None
        if mean is not None:
            parts.append(f"ALE {mean:,.0f}")
        out.append(Ref(s.title, f"/risk/scenarios/{s.id}", " · ".join(parts)))
    return out


def resolve_scenario(session: Session, principal: Principal | None, scenario_id: uuid.UUID) -> Ref | None:
    """Return a visible scenario as a link (None when unknown or outside principal's scope)."""
    if not _may_view(principal):
        return None
    try:
        scenario = service.get_scenario(session, principal, scenario_id)
    except (NotFound, PermissionDenied):
        return None
    return _refs(session, [scenario])[0]


def scenarios_for_vendor(session: Session, principal: Principal | None, vendor_id: uuid.UUID) -> list[Ref]:
    """Return the visible scenarios that threaten the vendor."""
    if not _may_view(principal):
        return []
    if principal is None:
        return _refs(session, repo.scenarios_threatening(session, vendor_id, None))
    return _refs(session, service.scenarios_for_object(session, principal, vendor_id))


def scenario_choices(session: Session, principal: Principal | None) -> list[tuple[str, str]]:
    """Return every visible scenario as (id, title), by title."""
    if not _may_view(principal):
        return []
    return [(str(s.id), s.title) for s in service.visible_scenarios(session, principal, {})]


register_resolver(KIND, resolve_scenario)
register_related("vendor", scenarios_for_vendor)
register_choices(KIND, scenario_choices)

"""Northwind Health's risk register, created through the services and simulated (20,000 years a scenario)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy.orm import Session

from tandem.inventory import service as inventory
from tandem.platform.errors import NotFound
from tandem.risk import inputs, service, treatments
from tandem.risk.demo_data import SCENARIOS, TREATMENTS
from tandem.risk.fair import simulate
from tandem.risk.models import Run
from tandem.risk.repository import RiskRepository
from tandem.risk.schemas import Acceptance, ScenarioCreate, TermCreate, TreatmentCreate
from tandem.risk.simulation import ENGINE_VERSION, store_run

DEMO_YEARS = 20_000
SEED = 20261129
TODAY = dt.date(2026, 11, 27)


def _targets(session: Session, refs: list[str]) -> list[dict[str, Any]]:
    out = []
    for ref in refs:
        try:
            kind, obj = inventory.resolve_ref(session, None, ref)
        except NotFound:
            continue  # the demo inventory may not hold every record; the scenario still stands
        out.append({"kind": kind.entity, "id": obj.id})
    return out


def load_demo(session: Session, org: Any) -> None:
    """Add ~20 scenarios with treatments, one acceptance, and a simulated portfolio."""
    service.add_term(session, None, TermCreate(kind="threat_event", name="Medical device tampering",
                                               org_unit_id=org.root.id))  # fmt: skip
    made: dict[str, Any] = {}
    for n, (title, unit, community, event, losses, li, im, status, refs, fair) in enumerate(SCENARIOS):
        data = ScenarioCreate(
            title=title, description=f"{title}. Threat: {community.lower()}, {event.lower()}.",
            threat_community=community, threat_event=event, loss_types=losses,
            likelihood=li, impact=im, status=status,
            review_date=TODAY + dt.timedelta(days=30 + 15 * n), fair=fair, targets=_targets(session, refs),
            org_unit_id=org.units[unit].id, source="demo",
        )  # fmt: skip
        made[title] = service.create_scenario(session, None, data, quantify=False)
    for title, kind, name, status, effect, cost in TREATMENTS:
        treatment = treatments.create_treatment(session, None, TreatmentCreate(
            scenario_id=made[title].id, kind=kind, title=name, status=status, effect=effect,
            annual_cost=cost, initiatives=["FY27 security roadmap"] if kind == "mitigate" else []))  # fmt: skip
        if kind == "accept" and title.startswith("DDoS"):
            treatments.accept(session, None, treatment.id, Acceptance(
                reason="CDN migration in Q2 removes the exposure; downtime is tolerable until then.",
                until=TODAY + dt.timedelta(days=180)), "ciso")  # fmt: skip
    _simulate(session, org, list(made.values()))


def _simulate(session: Session, org: Any, scenarios: list[Any]) -> None:
    engine = [inputs.to_scenario(str(s.id), s.fair) for s in scenarios]
    result = simulate(engine, years=DEMO_YEARS, seed=SEED)
    run = RiskRepository(session, Run).add(Run(
        id=uuid.uuid4(), org_unit_id=org.root.id, scope="portfolio", scenario_ids=[str(s.id) for s in scenarios],
        seed=SEED, years=DEMO_YEARS, semantics="events", engine_version=ENGINE_VERSION, status="running"))  # fmt: skip
    store_run(session, run, result, {str(s.id): s.title for s in scenarios})

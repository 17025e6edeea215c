"""A small organisation built through the domains' own services, for the reporting home tests."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from tandem.incidents import children
from tandem.incidents import service as incidents
from tandem.incidents.schemas import IncidentCreate, PopulationIn
from tandem.inventory import service as inventory
from tandem.inventory.kinds import KINDS
from tandem.platform.auth import service as auth
from tandem.platform.auth.principal import CONSOLE, Grant, Principal
from tandem.platform.db.types import utcnow
from tandem.platform.jobs import service as jobs
from tandem.risk import service as risk
from tandem.risk import simulation
from tandem.risk.fair import simulate
from tandem.risk.inputs import to_scenario
from tandem.risk.schemas import ScenarioCreate, SimulateRequest
from tandem.strategy import decisions, planning, policy
from tandem.strategy import service as strategy
from tandem.strategy.schemas import DecisionCreate, InitiativeCreate, OptimizeRequest, PolicyUpdate
from tandem.vulnerabilities import ingest, matching

VULN_DATA = Path(__file__).parents[2] / "vulnerabilities" / "data"
CHROME = "cpe:2.3:a:google:chrome:116.0.5845.100:*:*:*:*:*:*:*"
FAIR = {
    "tef": {"type": "pert", "min": 0.5, "mode": 2, "max": 6},
    "vulnerability": {"type": "pert", "min": 0.05, "mode": 0.15, "max": 0.35},
    "primary_loss": {"type": "lognormal90", "low": 100_000, "high": 2_000_000},
}


@dataclass
class Org:
    """A root with IT and Finance."""

    root: uuid.UUID
    root_path: str
    it: uuid.UUID
    it_path: str
    finance: uuid.UUID
    finance_path: str
    made: dict[str, Any] = field(default_factory=dict)

    def who(self, role: str = "admin", unit: str = "root") -> Principal:
        """Return a user holding role on one of the units."""
        uid, path = getattr(self, unit), getattr(self, f"{unit}_path")
        return Principal(user_id=uuid.uuid4(), username=f"{role}-{unit}", grants=(Grant(role, uid, path),))


def make_org(session: Session) -> Org:
    """Create (or reuse) the root unit and two fresh units under it."""
    root = auth.root_unit(session) or auth.create_unit(session, None, f"Org {uuid.uuid4().hex[:6]}", None)
    it = auth.create_unit(session, None, f"IT-{uuid.uuid4().hex[:6]}", root.id)
    finance = auth.create_unit(session, None, f"Finance-{uuid.uuid4().hex[:6]}", root.id)
    return Org(root.id, root.path, it.id, it.path, finance.id, finance.path)


def record(session: Session, plural: str, **values: Any) -> Any:
    """Create an inventory record through the inventory service."""
    kind = KINDS[plural]
    return inventory.create_record(session, None, kind, kind.create.model_validate(values))


def add_portfolio(session: Session, org: Org) -> None:
    """Applications with TIME dispositions and run costs, a capability they support, and a vendor."""
    care = record(session, "capabilities", name=f"Patient care {uuid.uuid4().hex[:4]}", org_unit_id=org.it)
    ehr = record(session, "applications", name="EHR", time_disposition="invest", org_unit_id=org.it,
                 run_cost={"amount": "1200000", "currency": "USD"})  # fmt: skip
    lab = record(session, "applications", name="Old lab", time_disposition="eliminate", org_unit_id=org.it,
                 run_cost={"amount": "300000", "currency": "USD"})  # fmt: skip
    record(session, "relations", type="supports", source_kind="application", source_id=str(ehr.id),
           target_kind="capability", target_id=str(care.id), org_unit_id=org.it)  # fmt: skip
    record(session, "vendors", name=f"Acme Cloud {uuid.uuid4().hex[:4]}", org_unit_id=org.it)
    org.made.update(ehr=ehr, lab=lab, capability=care)


def add_risk(session: Session, org: Org) -> None:
    """Two quantified scenarios and a finished portfolio simulation over them."""
    made = [risk.create_scenario(session, None, ScenarioCreate.model_validate(
        {"title": title, "fair": FAIR, "org_unit_id": org.it})) for title in ("Ransomware", "Phishing")]  # fmt: skip
    run = simulation.start_run(session, None, SimulateRequest(org_unit_id=org.it, years=2_000))
    engine = [to_scenario(str(s.id), s.fair) for s in made]
    simulation.store_run(session, run, simulate(engine, years=2_000, seed=1), {str(s.id): s.title for s in made})
    # Stored inline as the job would: cancel the queued job so a live server's worker does not re-run it while a
    # page reads the run (the homes would show "no simulation yet" for as long as it runs).
    jobs.cancel_job(session, CONSOLE, run.job_id)
    org.made.update(scenarios=made, run=run)


def add_strategy(session: Session, org: Org) -> None:
    """A policy, two initiatives, an optimised plan (solved inline, as its job does) and two open decisions."""
    policy.update_policy(session, None, org.it, PolicyUpdate(quarters=2, budget=[100_000, 100_000],
                                                             capacity={"security": [2.0, 2.0]}))  # fmt: skip
    scenario = org.made["scenarios"][0]
    for title, extra in (("EDR", {"risks": [{"scenario_id": str(scenario.id), "effect": {"vulnerability_factor": 0.3}}],
                                  "staff": {"security": [1.0]}}),
                         ("Portal", {"business_value": 150_000})):  # fmt: skip
        strategy.create_initiative(session, None, InitiativeCreate.model_validate(
            {"title": title, "sponsor": "ciso", "costs": [40_000], "org_unit_id": org.it, **extra}))  # fmt: skip
    plan = planning.start_plan(session, None, OptimizeRequest(org_unit_id=org.it, time_limit=2, frontier=False))
    result, _, sol = planning.compute(planning.build_snapshot(session, None, plan), 2.0, 0.01, False)
    plan.result, plan.status, plan.finished_at = result, "succeeded" if sol.has_plan else "infeasible", utcnow()
    session.flush()
    for kind, question in (("risk_acceptance", "Accept the lab risk?"), ("vendor_choice", "MDR or SOC?")):
        decisions.create_decision(session, None, DecisionCreate(kind=kind, question=question, org_unit_id=org.it))
    org.made["plan"] = plan


def add_findings(session: Session, org: Org) -> None:
    """Chrome on a workstation matched to CVE-2023-4863, which the KEV catalogue lists."""
    asset = record(session, "assets", hostname=f"ws-{uuid.uuid4().hex[:6]}", org_unit_id=org.it)
    record(session, "software", name="Chrome", version="116.0.5845.100", cpe=CHROME, asset_id=str(asset.id),
           org_unit_id=org.it)  # fmt: skip
    for kind, rel in (("nvd", "nvd/CVE-2023-4863.json"), ("kev", "kev/kev-excerpt.json")):
        ingest.import_feed(session, kind, (VULN_DATA / rel).read_bytes(), rel, "test")
    matching.match_now(session, "full")


def add_incident(session: Session, org: Org) -> None:
    """An active incident whose affected Texans start a notification clock."""
    now = dt.datetime.now(dt.UTC)
    data = IncidentCreate(title="Laptop stolen", type="data_exfiltration", discovered_at=now, aware_at=now,
                          org_unit_id=org.it)  # fmt: skip
    incident = incidents.open_incident(session, None, data)
    children.add_population(session, None, incident.id,
                            PopulationIn(jurisdiction="US-TX", count=300, elements=["name", "ssn"]))  # fmt: skip
    org.made["incident"] = incident


def build(session: Session) -> Org:
    """Return an organisation with data in every domain the homes read (access reviews left empty)."""
    org = make_org(session)
    for step in (add_portfolio, add_risk, add_strategy, add_findings, add_incident):
        step(session, org)
    return org

"""Northwind Health's strategy: objectives, 40 initiatives linked to risks and applications, the policy sized to
fund about 60 % of them, three scenarios, an optimised plan with its frontier, and joint decisions."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from tandem.inventory import service as inventory
from tandem.platform.errors import NotFound
from tandem.risk import service as risk_service
from tandem.strategy import decisions, planning, policy, service
from tandem.strategy.demo_data import APP, INF, ITEMS, OBJECTIVES, SEC
from tandem.strategy.demo_fit import load_fits
from tandem.strategy.models import Plan
from tandem.strategy.repository import StrategyRepository
from tandem.strategy.schemas import (
    ApprovalCreate,
    DecisionCreate,
    InitiativeCreate,
    ObjectiveCreate,
    PolicyUpdate,
    ScenarioCreate,
)

QUARTERS = 8
FUNDED_SHARE = 0.55  # of the average quarterly demand: about 60 % of the candidates fit


def _ids(session: Session, kind: str, names: list[str]) -> dict[str, Any]:
    out = {}
    for name in names:
        try:
            out[name] = inventory.resolve_ref(session, None, f"{kind}:{name}")[1].id
        except NotFound:
            continue  # the demo inventory may lack a record; the initiative still stands
    return out


def _compliance_ref(rule: str | None) -> str:
    """Link a HIPAA-driven mandatory initiative to the requirement its rule cites (e.g. "§164.312(d)")."""
    if not rule or "HIPAA" not in rule or "§" not in rule:
        return ""
    return f"hipaa-security-rule:{rule.rsplit('§', 1)[1].strip()}"


def _initiative(row: tuple[Any, ...], unit: Any, objectives: list[Any], scenarios: dict[str, Any],
                apps: dict[str, Any]) -> InitiativeCreate:  # fmt: skip
    title, sponsor, dur, k, staff, value, risks, app_links, objs, _, group, deadline, rule = row
    return InitiativeCreate(
        title=title, description=f"{title} ({sponsor.upper()} sponsor).", sponsor=sponsor, duration=dur,
        costs=[k * 1000.0], staff={p: [float(f)] for p, f in staff.items()}, business_value=value * 1000.0,
        value_low=value * 700.0, value_high=value * 1400.0, mandatory=deadline is not None, deadline_quarter=deadline,
        regulation=rule, alt_group=group, compliance_ref=_compliance_ref(rule),
        risks=[{"scenario_id": scenarios[s], "effect": e} for s, e in risks if s in scenarios],
        applications=[{"application_id": apps[a], "action": act} for a, act in app_links if a in apps],
        objectives=[{"objective_id": objectives[n].id, "contribution": c} for n, c in objs],
        time_exception="Hardening buys time until the replacement is funded." if group == "lab" else "",
        org_unit_id=unit, source="demo")  # fmt: skip


def _policy(session: Session, unit: Any) -> None:
    demand = sum(r[2] * r[3] * 1000.0 for r in ITEMS) / QUARTERS
    staff = {p: sum(r[2] * r[4].get(p, 0) for r in ITEMS) / QUARTERS for p in (INF, SEC, APP)}
    dip = [0.85 if (q + 1) % 4 == 0 else 1.0 for q in range(QUARTERS)]
    policy.update_policy(session, None, unit, PolicyUpdate(
        lam=1.0, benefit_years=3, discount=0.97, first_quarter="2027-Q1", quarters=QUARTERS,
        budget=[round(demand * FUNDED_SHARE * d, -3) for d in dip],
        capacity={p: [round(v * 0.7 * d, 1) for d in dip] for p, v in staff.items()}))  # fmt: skip


def load_demo(session: Session, org: Any) -> None:
    """Add the strategy sample data and optimise the baseline plan."""
    unit = org.root.id
    objectives = [service.create_objective(session, None, ObjectiveCreate(title=t, horizon=h, weight=w,
                  org_unit_id=unit)) for t, h, w in OBJECTIVES]  # fmt: skip
    scenarios = {s.title: s.id for s in risk_service.visible_scenarios(session, None, {})}
    apps = _ids(session, "application", sorted({a for r in ITEMS for a, _ in r[7]}))
    made = {r[0]: service.create_initiative(session, None, _initiative(r, unit, objectives, scenarios, apps))
            for r in ITEMS}  # fmt: skip
    from tandem.strategy import repository as repo

    for row in ITEMS:
        repo.set_links(session, "predecessors", made[row[0]].id, {made[p].id: {} for p in row[9]})
    _policy(session, unit)
    for name, factor, delta, shift in (
        ("Budget cut 10 %", 0.9, {}, 0),
        ("Hire two security engineers", 1.0, {SEC: 2.0}, 0),
        ("HIPAA deadlines delayed two quarters", 1.0, {}, 2),
    ):
        policy.create_scenario(session, None, ScenarioCreate(name=name, budget_factor=factor, capacity_delta=delta,
                                                             deadline_shift=shift, org_unit_id=unit))  # fmt: skip
    load_fits(session)
    _plan(session, unit)


def _plan(session: Session, unit: Any) -> None:
    plan = StrategyRepository(session, Plan).add(
        Plan(
            org_unit_id=unit,
            name="FY27–28 baseline plan",
            status="running",
            settings={"time_limit": 4.0, "gap": 0.01, "frontier": True, "actor": "demo"},
        )
    )
    result, points, sol = planning.compute(planning.build_snapshot(session, None, plan), 4.0, 0.01, True, probes=3)
    plan.result, plan.frontier, plan.status = result, points, "succeeded" if sol.has_plan else "infeasible"
    session.flush()
    if not sol.has_plan:
        return
    decision = decisions.request_plan_approval(session, None, plan.id)
    decisions.sign(session, None, decision.id, ApprovalCreate(verdict="approve", comment="Business case holds."),
                   role="cio")  # fmt: skip
    vendor = decisions.create_decision(
        session,
        None,
        DecisionCreate(
            kind="vendor_choice",
            question="Managed MDR service or an in-house SOC?",
            options=["SIEM and 24×7 MDR service", "In-house security operations centre"],
            decision="SIEM and 24×7 MDR service",
            rationale="Staffing a 24×7 SOC needs six analysts we cannot hire in time.",
            touches_security=True,
            org_unit_id=unit,
        ),
    )
    decisions.sign(session, None, vendor.id, ApprovalCreate(verdict="approve"), role="ciso")

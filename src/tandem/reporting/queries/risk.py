"""Risk in money: the portfolio's aggregate loss exceedance against the tolerance curve, the costliest scenarios,
and the trend of the aggregate annual loss expectancy (ALE)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.platform.auth.principal import Principal
from tandem.reporting.queries.common import graceful, may, scoped
from tandem.risk import charts as risk_charts
from tandem.risk import matrix as risk_matrix
from tandem.risk.models import Run, Scenario, ScenarioResult

VIEW = "risk.view"
CLOSED = ("closed",)


@dataclass
class ScenarioMoney:
    """One scenario with its simulated annual loss."""

    id: str
    title: str
    status: str
    ale: float
    p95: float | None
    url: str


@dataclass
class Posture:
    """The latest portfolio simulation against the tolerance curve."""

    ale: float | None = None  # mean annual loss of the portfolio
    p95: float | None = None
    lec: list[list[float]] = field(default_factory=list)  # [[loss, P(annual loss ≥ loss)]]
    tolerance: list[list[float]] = field(default_factory=list)  # [[loss, max acceptable P]]
    breaches: list[dict[str, float]] = field(default_factory=list)  # tolerance points the curve exceeds
    simulated_at: dt.datetime | None = None
    scenarios: int = 0  # visible scenarios (simulated or not)
    url: str = "/risk/portfolio"

    @property
    def within_tolerance(self) -> bool | None:
        """Return whether the aggregate curve stays under the tolerance curve (None: not simulated yet)."""
        return None if not self.lec else not self.breaches


@graceful(Posture)
def posture(session: Session, principal: Principal) -> Posture:
    """Return the newest finished portfolio (or set) run principal may see, with the tolerance of its unit."""
    if not may(principal, VIEW):
        return Posture()
    count = len(session.scalars(scoped(select(Scenario.id), session, principal, Scenario, VIEW)).all())
    run = session.scalars(
        scoped(select(Run), session, principal, Run, VIEW)
        .where(Run.status == "succeeded", Run.scope.in_(("portfolio", "set")))
        .order_by(Run.created_at.desc(), Run.id.desc())
        .limit(1)
    ).first()
    if run is None or not run.total:
        return Posture(scenarios=count)
    lec = [list(map(float, p)) for p in run.total.get("lec", [])]
    tolerance = risk_matrix.get_matrix(session, principal, run.org_unit_id).tolerance
    return Posture(
        ale=float(run.total.get("mean") or 0.0), p95=_float(run.total.get("p95")), lec=lec, tolerance=tolerance,
        breaches=risk_charts.exceeds_tolerance(lec, tolerance) if lec else [], simulated_at=run.finished_at,
        scenarios=count,
    )  # fmt: skip


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


@graceful(list)
def top_scenarios(session: Session, principal: Principal, limit: int = 5) -> list[ScenarioMoney]:
    """Return the open scenarios with the largest simulated annual loss, largest first."""
    if not may(principal, VIEW):
        return []
    stmt = scoped(
        select(Scenario.id, Scenario.title, Scenario.status, ScenarioResult.stats).join(
            ScenarioResult, ScenarioResult.scenario_id == Scenario.id
        ),
        session, principal, Scenario, VIEW,
    ).where(Scenario.status.not_in(CLOSED))  # fmt: skip
    rows = [
        ScenarioMoney(str(sid), title, status, float(stats["mean"]), _float(stats.get("p95")), f"/risk/scenarios/{sid}")
        for sid, title, status, stats in session.execute(stmt)
        if stats and stats.get("mean") is not None
    ]
    rows.sort(key=lambda r: (-r.ale, r.title))
    return rows[:limit]


@graceful(list)
def ale_history(session: Session, principal: Principal, limit: int = 60) -> list[tuple[dt.datetime, float]]:
    """Return (finished at, portfolio ALE) of the finished portfolio runs principal may see, oldest first."""
    if not may(principal, VIEW):
        return []
    stmt = (
        scoped(select(Run.finished_at, Run.total), session, principal, Run, VIEW)
        .where(Run.status == "succeeded", Run.scope == "portfolio", Run.finished_at.is_not(None))
        .order_by(Run.finished_at.desc())
        .limit(limit)
    )
    points = [(at, float(total["mean"])) for at, total in session.execute(stmt) if total and "mean" in total]
    return sorted(points)

"""The IT portfolio as the CIO explains it: initiatives against the plan, planned spend against the budget, the
risk the plan buys per dollar, and the decisions waiting for a signature."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tandem.platform.auth.principal import Principal
from tandem.reporting.queries.common import graceful, link, may, ratio, scoped
from tandem.strategy import planning
from tandem.strategy import service as strategy
from tandem.strategy.models import Decision

VIEW = "strategy.view"
UNDER_WAY = ("planned", "in_progress", "done")
BOARD_KINDS = ("plan_approval", "risk_acceptance")  # beyond the executives' own authority


@dataclass
class InitiativeStatus:
    """Initiatives per status, and how many of those the latest plan selects are under way (on track)."""

    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    in_plan: int = 0
    on_track: int = 0  # selected by the plan and planned, in progress or done
    not_started: int = 0  # selected by the plan but still a candidate
    cancelled_in_plan: int = 0
    list_url: str = "/strategy/initiatives"


@dataclass
class PlanStatus:
    """The newest finished plan: its approval, planned spend per quarter against the budget, what it buys."""

    id: str
    name: str
    approval: str
    currency: str
    quarters: list[str]
    spend: list[float]
    budget: list[float]
    spend_total: float
    budget_total: float
    value: float
    risk_reduction: float
    selected: int
    url: str
    first_year: str = ""  # the calendar year of the plan's first quarter
    first_year_spend: float = 0.0  # planned spend in that year's quarters
    first_year_risk_reduction: float = 0.0  # ALE/yr removed by the initiatives that start in that year

    @property
    def first_year_per_dollar(self) -> float | None:
        """Return the annual loss expectancy removed per unit spent in the plan's first year."""
        return ratio(self.first_year_risk_reduction, self.first_year_spend)

    @property
    def burn(self) -> float | None:
        """Return planned spend as a share of the budget over the plan's horizon."""
        return ratio(self.spend_total, self.budget_total)

    @property
    def risk_per_dollar(self) -> float | None:
        """Return the annual loss expectancy removed per unit of planned spend."""
        return ratio(self.risk_reduction, self.spend_total)


@dataclass
class DecisionRow:
    """One open decision of the joint log."""

    id: str
    kind: str
    question: str
    touches_security: bool
    created_at: Any


@dataclass
class Decisions:
    """Open decisions, and those that need the board (plan approvals and risk acceptances)."""

    open: list[DecisionRow] = field(default_factory=list)
    open_count: int = 0
    board: list[DecisionRow] = field(default_factory=list)
    board_count: int = 0
    list_url: str = "/strategy/decisions"


@graceful(InitiativeStatus)
def initiative_status(session: Session, principal: Principal) -> InitiativeStatus:
    """Count the visible initiatives per status and check the latest plan's selection against their status."""
    if not may(principal, VIEW):
        return InitiativeStatus()
    rows = strategy.visible_initiatives(session, principal)
    plan = planning.latest(session, principal)
    starts = (plan.result or {}).get("starts", {}) if plan else {}
    selected = [i for i in rows if starts.get(str(i.id)) is not None]
    return InitiativeStatus(
        total=len(rows),
        by_status=dict(Counter(i.status for i in rows)),
        in_plan=len(selected),
        on_track=sum(1 for i in selected if i.status in UNDER_WAY),
        not_started=sum(1 for i in selected if i.status == "candidate"),
        cancelled_in_plan=sum(1 for i in selected if i.status == "cancelled"),
    )


@graceful(lambda: None)
def plan_status(session: Session, principal: Principal) -> PlanStatus | None:
    """Return the newest finished plan principal may see (None when there is none)."""
    if not may(principal, VIEW):
        return None
    plan = planning.latest(session, principal)
    result: dict[str, Any] = (plan.result or {}) if plan else {}
    if plan is None or not result.get("starts"):
        return None
    spend = [float(x) for x in result.get("usage", {}).get("budget", [])]
    budget = [float(x) for x in result.get("caps", {}).get("budget", [])]
    totals = result.get("totals", {})
    quarters = [str(q) for q in result.get("labels", [])][: len(spend)]
    out = PlanStatus(
        id=str(plan.id), name=plan.name, approval=plan.approval, currency=str(result.get("currency") or "USD"),
        quarters=quarters, spend=spend, budget=budget,
        spend_total=float(totals.get("spend") or sum(spend)), budget_total=sum(budget),
        value=float(totals.get("value") or 0.0), risk_reduction=float(totals.get("risk_reduction") or 0.0),
        selected=sum(1 for v in result["starts"].values() if v is not None), url=f"/strategy/plans/{plan.id}",
    )  # fmt: skip
    _first_year(out, result)
    return out


def _first_year(out: PlanStatus, result: dict[str, Any]) -> None:
    """Fill the first-year figures: the quarters labelled with the first quarter's year ("2027-Q1" → 2027)."""
    if not out.quarters:
        return
    out.first_year = out.quarters[0][:4]
    in_year = [i for i, q in enumerate(out.quarters) if q.startswith(out.first_year)]
    out.first_year_spend = sum(out.spend[i] for i in in_year)
    info = result.get("info", {})
    out.first_year_risk_reduction = sum(
        float(info.get(key, {}).get("risk") or 0.0)
        for key, start in result["starts"].items()
        if start is not None and int(start) in in_year
    )


def _decision_rows(session: Session, principal: Principal, kinds: tuple[str, ...] | None, limit: int) -> Any:
    stmt = scoped(select(Decision).where(Decision.status == "open"), session, principal, Decision, VIEW)
    if kinds:
        stmt = stmt.where(Decision.kind.in_(kinds))
    count = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(stmt.order_by(Decision.created_at, Decision.id).limit(limit)).all()
    return int(count), [DecisionRow(str(d.id), d.kind, d.question, d.touches_security, d.created_at) for d in rows]


@graceful(Decisions)
def open_decisions(session: Session, principal: Principal, limit: int = 5) -> Decisions:
    """Return the oldest open decisions of the joint log, and those the board has to take."""
    if not may(principal, VIEW):
        return Decisions()
    count, rows = _decision_rows(session, principal, None, limit)
    board_count, board = _decision_rows(session, principal, BOARD_KINDS, limit)
    return Decisions(rows, count, board, board_count)


def initiatives_url(status: str = "") -> str:
    """Return the initiative list (the API list takes ?status=)."""
    return link("/strategy/initiatives", status=status)

"""The named metrics: the numbers of the role homes as one flat catalogue, for the metrics API, page and CLI and
for the daily snapshots behind the trends. Every metric is computed from the same queries the panels use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from tandem.platform.auth.principal import Principal
from tandem.reporting.queries import cached

Result = tuple[float | None, str, dict[str, Any]]  # (value, url of the list behind it, breakdown)


@dataclass(frozen=True)
class MetricSpec:
    """A metric's name, meaning, unit, the domain action needed to read it and how to compute it."""

    name: str
    label: str
    unit: str  # count | money | ratio | money_per_money
    action: str
    compute: Callable[[Session, Principal], Result]


@dataclass
class Metric:
    """One computed metric: the value (None when its domain holds no data yet) and the list behind it."""

    name: str
    label: str
    unit: str
    value: float | None
    url: str
    breakdown: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """Return the metric as plain JSON-ready data."""
        return asdict(self)


def _plan_value(attr: str) -> Callable[[Session, Principal], Result]:
    def compute(s: Session, p: Principal) -> Result:
        plan = cached.plan(s, p)
        if plan is None:
            return None, "/strategy/plans", {}
        return getattr(plan, attr), plan.url, {"plan": plan.name, "currency": plan.currency, "year": plan.first_year}

    return compute


def _coverage_metric(s: Session, p: Principal) -> Result:
    rows = cached.coverage(s, p)
    per = {c.framework: c.coverage for c in rows}
    known = [v for v in per.values() if v is not None]
    return (min(known) if known else None), "/compliance/assessments", per


def _stale(s: Session, p: Principal) -> Result:
    f = cached.freshness(s, p)
    return float(f.stale), f.url, {k.kind: k.stale for k in f.kinds} | {"days": f.days}


def _initiatives(s: Session, p: Principal) -> Result:
    st = cached.initiatives(s, p)
    return float(st.total), st.list_url, st.by_status


def _on_track(s: Session, p: Principal) -> Result:
    st = cached.initiatives(s, p)
    return float(st.on_track), st.list_url, {"in_plan": st.in_plan, "not_started": st.not_started}


def _decisions(board: bool) -> Callable[[Session, Principal], Result]:
    def compute(s: Session, p: Principal) -> Result:
        d = cached.decisions(s, p)
        return float(d.board_count if board else d.open_count), d.list_url, {}

    return compute


def _apps(money: bool) -> Callable[[Session, Principal], Result]:
    def compute(s: Session, p: Principal) -> Result:
        a = cached.apps(s, p)
        if not money:
            return float(a.total), a.list_url, {c.disposition: c.count for c in a.grid}
        # The sum holds only the applications whose costs p may see, and says how many it leaves out; when it
        # would hold none of them there is no number (None), not a misleading zero.
        if not a.costs_shown:
            return None, a.list_url, {"costs_hidden": a.costs_hidden}
        per: dict[str, Any] = {c.disposition: c.run_cost for c in a.grid if c.costs_shown}
        return a.run_cost, a.list_url, per | {"costs_hidden": a.costs_hidden}

    return compute


def _stale_share(s: Session, p: Principal) -> Result:
    f = cached.freshness(s, p)
    return f.share_stale, f.url, {}


def _ale(s: Session, p: Principal) -> Result:
    pos = cached.posture(s, p)
    return pos.ale, pos.url, {"p95": pos.p95, "scenarios": pos.scenarios}


def _breaches(s: Session, p: Principal) -> Result:
    pos = cached.posture(s, p)
    return (None if pos.within_tolerance is None else float(len(pos.breaches))), pos.url, {}


def _findings(kev: bool) -> Callable[[Session, Principal], Result]:
    def compute(s: Session, p: Principal) -> Result:
        f = cached.open_findings(s, p)
        if kev:
            return float(f.kev), f.kev_url, {}
        return float(f.open), f.list_url, {str(t): n for t, n in sorted(f.by_tier.items())}

    return compute


def _reviews(s: Session, p: Principal) -> Result:
    r = cached.reviews(s, p)
    return r.progress, r.list_url, {c.name: c.progress for c in r.campaigns}


def _incidents(clocks: bool) -> Callable[[Session, Principal], Result]:
    def compute(s: Session, p: Principal) -> Result:
        i = cached.incidents_active(s, p)
        return float(i.open_clocks if clocks else i.count), i.list_url, {}

    return compute


def _vendors(s: Session, p: Principal) -> Result:
    v = cached.vendor_risk(s, p)
    return float(v.severe), v.list_url, {t.tier: t.severe_residual for t in v.tiers}


def _awareness(field: str) -> Callable[[Session, Principal], Result]:
    def compute(s: Session, p: Principal) -> Result:
        a = cached.awareness(s, p)
        if field == "completion":
            return a.completion, a.url, {"assigned": a.assigned, "overdue": a.overdue}
        return a.click_rate, a.phishing_url, {"campaign": a.campaign, "report_rate": a.report_rate}

    return compute


SPECS: list[MetricSpec] = [
    MetricSpec("strategy.initiatives", "Initiatives", "count", "strategy.view", _initiatives),
    MetricSpec("strategy.initiatives_on_track", "Initiatives of the plan under way", "count", "strategy.view",
               _on_track),
    MetricSpec("strategy.plan_spend", "Planned spend (latest plan)", "money", "strategy.view",
               _plan_value("spend_total")),
    MetricSpec("strategy.plan_budget_burn", "Planned spend / budget", "ratio", "strategy.view", _plan_value("burn")),
    MetricSpec("strategy.risk_reduced_per_dollar", "Risk reduced (ALE per year) per dollar of the plan",
               "money_per_money", "strategy.view", _plan_value("risk_per_dollar")),
    MetricSpec("strategy.risk_reduced_per_dollar_first_year", "Risk reduced (ALE per year) per dollar, plan year one",
               "money_per_money", "strategy.view", _plan_value("first_year_per_dollar")),
    MetricSpec("strategy.decisions_open", "Decisions waiting", "count", "strategy.view", _decisions(False)),
    MetricSpec("strategy.board_decisions_open", "Decisions needed from the board", "count", "strategy.view",
               _decisions(True)),
    MetricSpec("inventory.applications", "Applications", "count", "inventory.view", _apps(False)),
    # Costs need their own permission (inventory.costs.view: not a plain viewer), as on the application records.
    MetricSpec("inventory.application_run_cost", "Yearly run cost of the applications", "money",
               "inventory.costs.view", _apps(True)),
    MetricSpec("inventory.stale_records", "Inventory records not verified lately", "count", "inventory.view", _stale),
    MetricSpec("inventory.stale_share", "Share of the inventory not verified lately", "ratio", "inventory.view",
               _stale_share),
    MetricSpec("risk.portfolio_ale", "Aggregate annual loss expectancy", "money", "risk.view", _ale),
    MetricSpec("risk.tolerance_breaches", "Tolerance points the loss exceedance curve passes", "count", "risk.view",
               _breaches),
    MetricSpec("compliance.coverage", "Lowest framework coverage", "ratio", "compliance.view", _coverage_metric),
    MetricSpec("vulnerabilities.open_findings", "Open findings", "count", "vulnerabilities.view", _findings(False)),
    MetricSpec("vulnerabilities.kev_open", "Open known-exploited (KEV) findings", "count", "vulnerabilities.view",
               _findings(True)),
    MetricSpec("access.review_progress", "Access reviews decided", "ratio", "access.view", _reviews),
    MetricSpec("incidents.active", "Active incidents", "count", "incidents.view", _incidents(False)),
    MetricSpec("incidents.open_notifications", "Open notification clocks", "count", "incidents.view",
               _incidents(True)),
    MetricSpec("training.completion", "Training assignments complete", "ratio", "training.view",
               _awareness("completion")),
    MetricSpec("training.phishing_click_rate", "Click rate of the latest phishing simulation", "ratio",
               "training.view", _awareness("click_rate")),
    MetricSpec("vendors.severe_residual", "Vendors with a high or critical residual rating", "count", "vendors.view",
               _vendors),
]  # fmt: skip
BY_NAME = {spec.name: spec for spec in SPECS}


def compute(session: Session, principal: Principal, spec: MetricSpec) -> Metric:
    """Compute one metric for principal (value None when principal may not read its domain or it is empty)."""
    if principal.user_id is None or not principal.can_anywhere(spec.action):
        return Metric(spec.name, spec.label, spec.unit, None, "", {})
    value, url, breakdown = spec.compute(session, principal)
    return Metric(spec.name, spec.label, spec.unit, value, url, breakdown)


def all_metrics(session: Session, principal: Principal) -> list[Metric]:
    """Compute every metric principal may read."""
    return [compute(session, principal, s) for s in SPECS if principal.can_anywhere(s.action)]

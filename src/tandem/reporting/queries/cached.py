"""The cross-domain queries memoised per session and principal: a page (or the metrics list) that shows one number
in several places computes it once. Use these from panels, metrics and the board pack."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from tandem.platform.auth.principal import Principal
from tandem.reporting.queries import (
    access,
    compliance,
    findings,
    incidents,
    inventory,
    people,
    portfolio,
    risk,
    vendors,
)
from tandem.reporting.queries.common import memo


def _q(session: Session, principal: Principal, name: str, func: Callable[..., Any]) -> Any:
    return memo(session, principal, f"reporting.{name}", lambda: func(session, principal))


def initiatives(s: Session, p: Principal) -> portfolio.InitiativeStatus:
    """Return portfolio.initiative_status, once per session."""
    return _q(s, p, "initiatives", portfolio.initiative_status)


def plan(s: Session, p: Principal) -> portfolio.PlanStatus | None:
    """Return portfolio.plan_status, once per session."""
    return _q(s, p, "plan", portfolio.plan_status)


def decisions(s: Session, p: Principal) -> portfolio.Decisions:
    """Return portfolio.open_decisions, once per session."""
    return _q(s, p, "decisions", portfolio.open_decisions)


def apps(s: Session, p: Principal) -> inventory.AppPortfolio:
    """Return inventory.app_portfolio, once per session."""
    return _q(s, p, "apps", inventory.app_portfolio)


def freshness(s: Session, p: Principal) -> inventory.Freshness:
    """Return inventory.freshness, once per session."""
    return _q(s, p, "freshness", inventory.freshness)


def posture(s: Session, p: Principal) -> risk.Posture:
    """Return risk.posture, once per session."""
    return _q(s, p, "posture", risk.posture)


def top_scenarios(s: Session, p: Principal) -> list[risk.ScenarioMoney]:
    """Return risk.top_scenarios (five), once per session."""
    return _q(s, p, "top", risk.top_scenarios)


def coverage(s: Session, p: Principal) -> list[compliance.FrameworkCoverage]:
    """Return compliance.coverage_by_framework, once per session."""
    return _q(s, p, "coverage", compliance.coverage_by_framework)


def open_findings(s: Session, p: Principal) -> findings.OpenFindings:
    """Return findings.open_findings, once per session."""
    return _q(s, p, "findings", findings.open_findings)


def reviews(s: Session, p: Principal) -> access.ReviewProgress:
    """Return access.review_progress, once per session."""
    return _q(s, p, "reviews", access.review_progress)


def incidents_active(s: Session, p: Principal) -> incidents.ActiveIncidents:
    """Return incidents.active_incidents, once per session."""
    return _q(s, p, "incidents", incidents.active_incidents)


def vendor_risk(s: Session, p: Principal) -> vendors.VendorRisk:
    """Return vendors.vendor_risk, once per session."""
    return _q(s, p, "vendors", vendors.vendor_risk)


def awareness(s: Session, p: Principal) -> people.Awareness:
    """Return people.awareness, once per session."""
    return _q(s, p, "awareness", people.awareness)

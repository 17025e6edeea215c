"""The role-home panels reporting contributes: each context reads the cross-domain queries (memoised per request,
so panels sharing a number compute it once) and hands the templates numbers with the lists behind them."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from tandem.platform.auth.principal import Principal
from tandem.platform.manifest import HomePanel
from tandem.reporting.homes import charts, format, snapshots
from tandem.reporting.homes import jobs as _jobs  # noqa: F401 - registers reporting.snapshot_metrics
from tandem.reporting.queries import cached, risk

T = "reporting/homes/"


def _currency(session: Session, principal: Principal) -> str:
    plan = cached.plan(session, principal)
    return plan.currency if plan else "USD"


def _fmt(session: Session, principal: Principal) -> dict[str, Any]:
    currency = _currency(session, principal)
    return {"money": lambda v: format.money(v, currency), "percent": format.percent, "number": format.number}


def portfolio_context(session: Session, principal: Principal) -> dict[str, Any]:
    """Initiatives against the latest plan, and the plan's spend per quarter against the budget."""
    plan = cached.plan(session, principal)
    return {"status": cached.initiatives(session, principal), "plan": plan, **_fmt(session, principal),
            "chart": charts.burn(plan.quarters, plan.spend, plan.budget) if plan and plan.spend else None}  # fmt: skip


def applications_context(session: Session, principal: Principal) -> dict[str, Any]:
    """The TIME grid and run cost by capability (sums and chart hold only the costs principal may see)."""
    apps = cached.apps(session, principal)
    return {"apps": apps, "cells": {c.disposition: c for c in apps.grid}, **_fmt(session, principal),
            "chart": charts.capability_cost(apps.by_capability) if apps.by_capability else None}  # fmt: skip


def freshness_context(session: Session, principal: Principal) -> dict[str, Any]:
    """Stale records per inventory kind."""
    return {"fresh": cached.freshness(session, principal), **_fmt(session, principal)}


def top_risks_context(session: Session, principal: Principal) -> dict[str, Any]:
    """The costliest open scenarios and the portfolio's annual loss expectancy."""
    return {
        "top": cached.top_scenarios(session, principal),
        "posture": cached.posture(session, principal),
        **_fmt(session, principal),
    }


def decisions_context(session: Session, principal: Principal) -> dict[str, Any]:
    """Open decisions of the joint log."""
    return {"decisions": cached.decisions(session, principal)}


def posture_context(session: Session, principal: Principal) -> dict[str, Any]:
    """Aggregate loss exceedance against tolerance, the top scenarios, and the ALE trend."""
    posture = cached.posture(session, principal)
    runs = [(at.date(), value) for at, value in risk.ale_history(session, principal)]
    daily = dict(runs + list(snapshots.history(session, principal, "risk.portfolio_ale")))  # a snapshot wins its day
    points = sorted(daily.items())
    return {"posture": posture, **top_risks_context(session, principal),
            "lec": charts.lec(posture.lec, posture.tolerance) if posture.lec else None,
            "trend": charts.trend(points, "Annual loss expectancy") if len(points) >= 2 else None}  # fmt: skip


def compliance_context(session: Session, principal: Principal) -> dict[str, Any]:
    """Requirement results per framework from each framework's newest assessment."""
    rows = cached.coverage(session, principal)
    return {"rows": rows, "chart": charts.coverage(rows) if rows else None, **_fmt(session, principal)}


def findings_context(session: Session, principal: Principal) -> dict[str, Any]:
    """Open findings, KEV first."""
    return {"findings": cached.open_findings(session, principal), **_fmt(session, principal)}


def reviews_context(session: Session, principal: Principal) -> dict[str, Any]:
    """Decided share of every active access review."""
    return {"reviews": cached.reviews(session, principal), **_fmt(session, principal)}


def incidents_context(session: Session, principal: Principal) -> dict[str, Any]:
    """Active incidents with their notification countdowns."""
    return {"incidents": cached.incidents_active(session, principal)}


def vendors_context(session: Session, principal: Principal) -> dict[str, Any]:
    """Vendors per tier with severe residual ratings."""
    return {"vendors": cached.vendor_risk(session, principal)}


def joint_value_context(session: Session, principal: Principal) -> dict[str, Any]:
    """Risk reduced per dollar of the plan, next to the plan's spend and the aggregate ALE."""
    return {"plan": cached.plan(session, principal), "posture": cached.posture(session, principal),
            **_fmt(session, principal)}  # fmt: skip


PANELS: list[HomePanel] = [
    HomePanel("cio", "Portfolio status", T + "portfolio.html", "strategy.view", portfolio_context, 10),
    HomePanel("cio", "Application portfolio", T + "applications.html", "inventory.view", applications_context, 20),
    HomePanel("cio", "Top risks in money", T + "top_risks.html", "risk.view", top_risks_context, 30),
    HomePanel("cio", "Inventory freshness", T + "freshness.html", "inventory.view", freshness_context, 50),
    HomePanel("cio", "Decisions waiting", T + "decisions.html", "strategy.view", decisions_context, 70),
    HomePanel("ciso", "Risk posture", T + "posture.html", "risk.view", posture_context, 10),
    HomePanel("ciso", "Compliance coverage", T + "compliance.html", "compliance.view", compliance_context, 20),
    HomePanel("ciso", "Open critical findings", T + "findings.html", "vulnerabilities.view", findings_context, 30),
    HomePanel("ciso", "Active incidents", T + "incidents.html", "incidents.view", incidents_context, 35),
    HomePanel("ciso", "Access reviews", T + "reviews.html", "access.view", reviews_context, 40),
    HomePanel("ciso", "Vendor risk by tier", T + "vendors.html", "vendors.view", vendors_context, 70),
    HomePanel("joint", "Risk reduced per dollar", T + "joint_value.html", "strategy.view", joint_value_context, 10),
    HomePanel("joint", "The plan", T + "portfolio.html", "strategy.view", portfolio_context, 20),
    HomePanel("joint", "Decisions for the board", T + "board_decisions.html", "strategy.view", decisions_context, 30),
]

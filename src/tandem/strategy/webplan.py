"""Plan pages: the latest plan with roadmap, reasons vs greedy and unfunded risks; plans; frontier; TIME grid."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from tandem.platform.api.deps import DbSession, requires
from tandem.platform.auth.principal import Principal
from tandem.platform.db.paging import PageRequest
from tandem.platform.errors import TandemError
from tandem.platform.web.forms import WebForm, discard, text
from tandem.platform.web.render import redirect, render
from tandem.strategy import charts, decisions, exports, planning, policy, rationalisation, unfunded
from tandem.strategy.repository import PLAN_SPEC, SCENARIO_SPEC
from tandem.strategy.schemas import AcceptUnfunded, OptimizeRequest

router = APIRouter(include_in_schema=False)
VIEW, PLAN = "strategy.view", "strategy.plan"


def _plan_page(request: Request, session: Any, principal: Principal, plan: Any) -> HTMLResponse:
    res = plan.result if plan else {}
    ok = bool(plan and plan.status == "succeeded")
    scenarios = policy.list_scenarios(session, principal, PageRequest.parse(SCENARIO_SPEC, {"limit": "100"})).items
    return render(request, "strategy/plan.html", plan=plan, res=res, scenarios=scenarios,
                  roadmap=charts.roadmap(res) if ok else None, usage=charts.usage(res) if ok else None,
                  unfunded=unfunded.unfunded(session, principal, plan.id) if ok else [],
                  until=(dt.date.today() + dt.timedelta(days=365)).isoformat())  # fmt: skip


@router.get("/strategy/plan")
def latest_plan_page(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> HTMLResponse:
    """The newest plan: solver account, roadmap, use of caps, rejected items with reasons vs greedy."""
    return _plan_page(request, session, principal, planning.latest(session, principal))


@router.get("/strategy/plans")
def plans_page(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> HTMLResponse:
    """Saved plans side by side: scenario, totals, gap, gain over greedy, approval."""
    plans = planning.list_plans(session, principal, PageRequest.parse(PLAN_SPEC, {"limit": "50"})).items
    return render(request, "strategy/plans.html", plans=plans)


@router.get("/strategy/plans/{plan_id}")
def plan_page(
    plan_id: uuid.UUID, request: Request, session: DbSession, principal: Principal = requires(VIEW)
) -> HTMLResponse:
    """One saved plan."""
    return _plan_page(request, session, principal, planning.get_plan(session, principal, plan_id))


@router.post("/strategy/plans")
def optimize_page(form: WebForm, session: DbSession, principal: Principal = requires(PLAN)) -> Response:
    """Queue an optimisation (with the frontier) and follow its job."""
    try:
        req = OptimizeRequest(scenario_id=text(form, "scenario_id") or None, time_limit=text(form, "time_limit") or 10,
                              frontier=True)  # fmt: skip
        plan = planning.start_plan(session, principal, req)
    except (TandemError, ValidationError) as exc:
        discard(session)
        message = exc.message if isinstance(exc, TandemError) else "pick a scenario and a time limit of 0.5–600 s"
        if isinstance(exc, TandemError) and hasattr(exc, "errors"):
            message = "; ".join(f"{e.location}: {e.reason}" for e in exc.errors)[:500]
        return redirect("/strategy/plan", message)
    return redirect(f"/jobs/{plan.job_id}", "Optimisation queued.")


@router.post("/strategy/plans/{plan_id}/approval")
def approval_page(plan_id: uuid.UUID, session: DbSession, principal: Principal = requires(PLAN)) -> Response:
    """Open the joint approval of the plan."""
    try:
        decision = decisions.request_plan_approval(session, principal, plan_id)
    except TandemError as exc:
        discard(session)
        return redirect(f"/strategy/plans/{plan_id}", exc.message)
    return redirect(f"/strategy/decisions#d-{decision.id}", "Approval requested from the CIO and the CISO.")


@router.post("/strategy/plans/{plan_id}/unfunded")
def accept_page(
    plan_id: uuid.UUID, form: WebForm, session: DbSession, principal: Principal = requires("strategy.approve")
) -> Response:
    """Send the unfunded risks to the risk register as acceptances."""
    try:
        data = AcceptUnfunded.model_validate({"reason": text(form, "reason"), "until": text(form, "until")})
        out = unfunded.accept_unfunded(session, principal, plan_id, data, principal.username)
    except (TandemError, ValidationError) as exc:
        discard(session)
        message = exc.message if isinstance(exc, TandemError) else "give a reason and a future date"
        return redirect(f"/strategy/plans/{plan_id}", message)
    return redirect(f"/strategy/plans/{plan_id}", f"{len(out['accepted'])} risk acceptances recorded.")


@router.get("/strategy/plans/{plan_id}/export.csv")
def csv_page(plan_id: uuid.UUID, session: DbSession, principal: Principal = requires("strategy.export")) -> Response:
    """Download the plan as CSV."""
    plan = planning.get_plan(session, principal, plan_id)
    return Response(exports.plan_csv(plan), media_type="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="plan-{plan.id}.csv"'})  # fmt: skip


@router.get("/strategy/plans/{plan_id}/board.pdf")
def pdf_page(plan_id: uuid.UUID, session: DbSession, principal: Principal = requires("strategy.export")) -> Response:
    """Download the one-page board PDF."""
    plan = planning.get_plan(session, principal, plan_id)
    return Response(exports.plan_pdf(plan), media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="plan-{plan.id}.pdf"'})  # fmt: skip


@router.get("/strategy/frontier")
def frontier_page(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> HTMLResponse:
    """The efficient frontier of the newest plan: what each budget level buys."""
    plan = planning.latest(session, principal)
    points = plan.frontier if plan else []
    return render(request, "strategy/frontier.html", plan=plan, points=points,
                  chart=charts.frontier(points) if points else None)  # fmt: skip


@router.get("/strategy/rationalisation")
def time_page(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> HTMLResponse:
    """Applications on the TIME grid with run-cost and risk bubbles, and TIME conflicts."""
    apps = rationalisation.time_grid(session, principal)
    return render(request, "strategy/rationalisation.html", apps=apps, chart=charts.time_grid(apps) if apps else None,
                  conflicts=rationalisation.inconsistencies(apps), costs_hidden=rationalisation.costs_hidden(apps),
                  disagreements=rationalisation.disagreements(apps))  # fmt: skip

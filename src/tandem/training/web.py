"""Training pages: status with charts, programs and their assignments, courses, policies, phishing metrics."""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from tandem.platform.api.deps import DbSession, requires
from tandem.platform.auth.principal import Principal
from tandem.platform.web.render import redirect, render
from tandem.training import charts, courses, phishing, policies, programs, reminders, status
from tandem.training import repository as repo
from tandem.training.engine.audience import RULE_KINDS, describe

router = APIRouter(include_in_schema=False)
VIEW, EDIT = "training.view", "training.edit"
STATUSES = ("overdue", "due", "expiring", "completed")


@router.get("/training")
def status_page(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> HTMLResponse:
    """Completion by program, department and role, the trend, and the people at risk."""
    data = status.summary(session, principal)
    # A scoped user sees the assignments of their units, which may come from a program set up above them.
    openable = {p.id for p in programs.visible_programs(session, principal)}
    return render(request, "training/status.html", data=data, by_dept=charts.rate_bars(data["departments"]),
                  openable=openable,
                  trend=charts.trend_line(data["trend"]), at_risk=data["at_risk"][:50])  # fmt: skip


@router.get("/training/programs")
def programs_page(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> HTMLResponse:
    """Every program with its audience and completion rate."""
    rates = {p["id"]: p for p in status.by_program(status.visible_rows(session, principal))}
    rows = [{"p": p, "audience": describe(p.audience), "rate": rates.get(str(p.id))}
            for p in programs.visible_programs(session, principal)]  # fmt: skip
    return render(request, "training/programs.html", rows=rows, courses=courses.visible_courses(session, principal))


@router.get("/training/programs/{program_id}")
def program_page(
    program_id: uuid.UUID, request: Request, session: DbSession, principal: Principal = requires(VIEW)
) -> HTMLResponse:
    """A program: audience, courses, and each assignment's status (filter by status or department)."""
    return program_view(request, session, principal, program_id, None)


def program_view(
    request: Request, session: Any, principal: Principal, program_id: uuid.UUID, link: dict[str, str] | None,
    errors: dict[str, str] | None = None, values: dict[str, Any] | None = None,
) -> HTMLResponse:  # fmt: skip
    """Render a program's page (with a just-issued link, or the edit form's errors and values)."""
    program = programs.get_program(session, principal, program_id)
    rows = status.visible_rows(session, principal, program.id)
    counts = Counter(r["status"] for r in rows)
    wanted = request.query_params.get("status", "")
    dept = request.query_params.get("department", "")
    shown = [r for r in rows if (not wanted or r["status"] == wanted) and (not dept or r["department"] == dept)]
    shown.sort(key=lambda r: (STATUSES.index(r["status"]) if r["status"] in STATUSES else 9, r["person"].full_name))
    linked = repo.courses_by_ids(session, [uuid.UUID(c) for c in program.course_ids])
    shown_values = values or {"title": program.title, "description": program.description,
                              "due_days": str(program.due_days), "due_date": str(program.due_date or ""),
                              "course_ids": list(program.course_ids)}  # fmt: skip
    return render(request, "training/program.html", 422 if errors else 200, program=program,
                  audience=describe(program.audience), courses=list(linked.values()), rows=shown[:500],
                  total=len(shown), counts=counts, statuses=STATUSES, wanted=wanted, dept=dept, link=link,
                  rate=status.rate(rows), departments=sorted({r["department"] for r in rows}), errors=errors or {},
                  values=shown_values, all_courses=courses.visible_courses(session, principal),
                  kinds=RULE_KINDS)  # fmt: skip


@router.post("/training/programs/{program_id}/recompute")
def recompute_page(program_id: uuid.UUID, session: DbSession, principal: Principal = requires(EDIT)) -> Response:
    """Recompute the program's assignments now."""
    counts = programs.recompute_program(session, principal, program_id)
    return redirect(f"/training/programs/{program_id}", f"Recomputed: {counts['assigned']} assigned, "
                    f"{counts['reopened']} reopened, {counts['closed']} closed.")  # fmt: skip


@router.post("/training/assignments/{assignment_id}/link")
def link_page(
    assignment_id: uuid.UUID, request: Request, session: DbSession, principal: Principal = requires(EDIT)
) -> HTMLResponse:
    """Issue a secret quiz or document link for an assignment and show it once (for sending to the person)."""
    link = reminders.issue_assignment_link(session, principal, assignment_id)
    return program_view(request, session, principal, uuid.UUID(link["program_id"]),
                         {"url": link["url"], "who": link["person"], "kind": link["kind"]})  # fmt: skip


@router.get("/training/policies")
def policies_page(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> HTMLResponse:
    """Policies: version, owner, review date (past review flagged) and acknowledgement rates per department."""
    return policies_view(request, session, principal)


def policies_view(
    request: Request, session: Any, principal: Principal, errors: dict[str, str] | None = None
) -> HTMLResponse:
    """Render the policies page; errors of a row's form are keyed by the policy id."""
    rows = policies.ack_status(session, principal)
    owners = repo.people_by_ids(session, [r["policy"].owner_id for r in rows if r["policy"].owner_id])
    return render(request, "training/policies.html", 422 if errors else 200, rows=rows, owners=owners,
                  errors=errors or {})  # fmt: skip


@router.get("/training/phishing")
def phishing_page(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> HTMLResponse:
    """Phishing simulations: rates per campaign and department, time to first report, repeat clickers."""
    return phishing_view(request, session, principal)


def phishing_view(
    request: Request, session: Any, principal: Principal, errors: dict[str, str] | None = None
) -> HTMLResponse:
    """Render the phishing page; errors of a campaign's delete form are keyed by the campaign id."""
    data = phishing.overview(session, principal)
    return render(request, "training/phishing.html", 422 if errors else 200, data=data, errors=errors or {},
                  chart=charts.phishing_rates(data["campaigns"]))  # fmt: skip


def ciso_panel(session: Any, principal: Principal) -> dict[str, Any]:
    """Context of the CISO home panel: completion by department, phishing trend, people at risk."""
    data = status.summary(session, principal)
    phish = phishing.overview(session, principal)
    return {"training": {"overall": data["overall"], "by_dept": charts.rate_bars(data["departments"], 220),
                         "phish": charts.phishing_rates(phish["campaigns"], 220) if phish["campaigns"] else None,
                         "at_risk": sum(1 for r in data["at_risk"] if r["score"] >= 1),
                         "repeat": len(phish["repeat_clickers"])}}  # fmt: skip

"""Compliance pages: the library as a searchable tree, requirement pages, coverage charts, assessment workspace."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from tandem.compliance.assessments import service as assessments
from tandem.compliance.automation import rollup
from tandem.compliance.automation import web as auto_web
from tandem.compliance.controls import coverage as cov
from tandem.compliance.controls import service as controls
from tandem.compliance.frameworks import mappings
from tandem.compliance.frameworks import service as frameworks
from tandem.compliance.records import SPEC
from tandem.compliance.schemas import Relationship, ResultUpdate
from tandem.compliance.web_common import BLANK, framework_choices, literal_choices, person_label, redirect_anchor
from tandem.platform.api.deps import DbSession, requires
from tandem.platform.auth.principal import Principal
from tandem.platform.db.paging import PageRequest
from tandem.platform.errors import TandemError
from tandem.platform.web.forms import WebForm, discard, form_errors, text
from tandem.platform.web.render import render

router = APIRouter(include_in_schema=False)
VIEW = "compliance.view"
RESULTS = ["not-assessed", "satisfied", "partially", "not-satisfied", "not-applicable"]


@router.get("/compliance/frameworks")
def frameworks_page(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> HTMLResponse:
    """List the framework library."""
    return render(request, "compliance/frameworks.html", frameworks=frameworks.list_frameworks(session, principal))


@router.get("/compliance/frameworks/{framework_id}")
def framework_page(
    framework_id: uuid.UUID, request: Request, session: DbSession, principal: Principal = requires(VIEW)
) -> HTMLResponse:
    """Show a framework as a tree with search, and its coverage chart."""
    q = request.query_params.get("q", "")[:200]
    framework = frameworks.get_framework(session, principal, framework_id)
    nodes = frameworks.tree(session, principal, framework_id, q)
    entries = cov.coverage(session, principal, framework_id)
    state = {e["id"]: e["state"] for e in entries}
    evidence = {e["id"]: e["evidence"] for e in entries}
    return render(request, "compliance/framework.html", framework=framework, nodes=nodes, q=q, state=state,
                  evidence=evidence, split=rollup.split(entries), summary=cov.summary(entries),
                  chart=cov.chart(session, framework_id, entries))  # fmt: skip


@router.get("/compliance/frameworks/{framework_id}/requirements/{ref}")
def requirement_page(
    framework_id: uuid.UUID, ref: str, request: Request, session: DbSession, principal: Principal = requires(VIEW)
) -> HTMLResponse:
    """Show a requirement with its mapped requirements, the controls that cover it and the paths."""
    return render(request, "compliance/requirement.html", **requirement_context(session, principal, framework_id, ref))


def requirement_context(
    session: Session, principal: Principal, framework_id: uuid.UUID, ref: str, values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> dict[str, Any]:  # fmt: skip
    """Return what the requirement page shows, with the add-mapping form's values and errors."""
    framework = frameworks.get_framework(session, principal, framework_id)
    req = frameworks.get_requirement(session, principal, framework_id, ref)
    entry = next((e for e in cov.coverage(session, principal, framework_id) if e["id"] == req.id), None)
    return {"framework": framework, "req": req, "entry": entry, "mapped": mappings.mapped(session, principal, req.id),
            "values": values or {}, "errors": errors or {}, "frameworks": BLANK + framework_choices(session, principal),
            "relationships": literal_choices(Relationship)}  # fmt: skip


@router.get("/compliance/controls")
def controls_page(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> HTMLResponse:
    """List controls."""
    params = {k: v for k, v in request.query_params.items() if v and k in ("q", "cursor")}
    page = controls.list_controls(
        session, principal, PageRequest.parse(SPEC, {"sort": "title", "limit": "200", **params})
    )
    return render(request, "compliance/controls.html", page=page, params=params)


@router.get("/compliance/controls/{control_id}")
def control_page(
    control_id: uuid.UUID, request: Request, session: DbSession, principal: Principal = requires(VIEW)
) -> HTMLResponse:
    """Show a control: its requirements in every framework, its inventory scope, its automated tests and history."""
    control = controls.get_control(session, principal, control_id)
    return render(request, "compliance/control.html", control=control,
                  owner=person_label(session, principal, control.owner_id),
                  requirements=controls.requirements_of(session, control),
                  scope=controls.scope_labels(session, principal, control),
                  **auto_web.control_context(session, principal, control))  # fmt: skip


@router.get("/compliance/assessments")
def assessments_page(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> HTMLResponse:
    """List assessments with their progress."""
    page = assessments.list_assessments(session, principal, PageRequest.parse(SPEC, {"limit": "200"}))
    rows = [(a, assessments.progress(session, principal, a.id)) for a in page.items]
    return render(request, "compliance/assessments.html", rows=rows)


@router.get("/compliance/assessments/{assessment_id}")
def workspace(
    assessment_id: uuid.UUID, request: Request, session: DbSession, principal: Principal = requires(VIEW)
) -> HTMLResponse:
    """The assessment workspace: filter results, open one to record it, confirm pre-fills."""
    result = request.query_params.get("result") or None
    q = request.query_params.get("q", "")[:200]
    assessment = assessments.get_assessment(session, principal, assessment_id)
    rows = assessments.results(session, principal, assessment_id, result if result in RESULTS else None, q)
    return render(request, "compliance/workspace.html", assessment=assessment, rows=rows, result=result, q=q,
                  progress=assessments.progress(session, principal, assessment_id), results=RESULTS)  # fmt: skip


@router.post("/compliance/assessments/{assessment_id}/results/{result_id}")
def record_result(
    assessment_id: uuid.UUID, result_id: uuid.UUID, request: Request, form: WebForm, session: DbSession,
    principal: Principal = requires("compliance.assess"),
) -> Response:  # fmt: skip
    """Record or confirm one result from the workspace form."""
    try:
        if text(form, "action") == "confirm":
            assessments.confirm_prefill(session, principal, assessment_id, str(result_id), principal.username)
        else:
            maturity = text(form, "maturity")
            data = ResultUpdate(result=text(form, "result") or None, rationale=text(form, "rationale"),
                                maturity=int(maturity) if maturity.isdigit() else None)  # fmt: skip
            assessments.set_result(session, principal, assessment_id, str(result_id), data, principal.username)
    except (TandemError, ValueError) as exc:
        discard(session)
        message = form_errors(exc)["_form"] if isinstance(exc, TandemError) else "invalid value"
        return redirect_anchor(f"/compliance/assessments/{assessment_id}", f"r-{result_id}", message)
    return redirect_anchor(f"/compliance/assessments/{assessment_id}", f"r-{result_id}", "Result saved.")

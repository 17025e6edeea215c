"""Network findings pages: lasting issues (open first, most severe first) with filters, and one issue's scan
history, evidence and triage form."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from tandem.monitoring import issues
from tandem.monitoring.models import ISSUE_STATUSES, SEVERITIES
from tandem.monitoring.schemas import IssueTriageIn
from tandem.platform.api.deps import DbSession, requires
from tandem.platform.auth.principal import Principal
from tandem.platform.db.paging import PageRequest
from tandem.platform.errors import FieldError, InvalidInput, TandemError
from tandem.platform.web.forms import WebForm, discard, form_errors, text
from tandem.platform.web.render import redirect, render

router = APIRouter(include_in_schema=False)
VIEW, EDIT = "monitoring.view", "monitoring.edit"
FILTERS = ("status", "severity", "rule", "host", "q", "cursor")


@router.get("/monitoring/findings")
def findings_page(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> HTMLResponse:
    """List network findings, open and most severe first; filter by status, severity, rule, host or asset."""
    params = {k: v.strip() for k, v in request.query_params.items() if v.strip() and k in FILTERS}
    errors: dict[str, str] = {}
    try:
        req = PageRequest.parse(issues.ISSUE_SPEC, {"limit": "100", **params})
        page = issues.list_issues(session, principal, req)
    except InvalidInput as exc:  # a bad filter: say which, show the unfiltered list
        errors, params = form_errors(exc), {}
        page = issues.list_issues(session, principal, PageRequest.parse(issues.ISSUE_SPEC, {"limit": "100"}))
    return render(request, "monitoring/findings.html", 422 if errors else 200, page=page, params=params,
                  severities=SEVERITIES, statuses=ISSUE_STATUSES, reads=[issues.to_read(i) for i in page.items],
                  errors=errors, counts=issues.issue_summary(session, principal))  # fmt: skip


def _detail(request: Request, session: DbSession, principal: Principal, issue_id: uuid.UUID, status: int = 200,
            errors: dict[str, str] | None = None) -> HTMLResponse:  # fmt: skip
    issue = issues.get_issue(session, principal, issue_id)
    return render(request, "monitoring/finding.html", status, issue=issues.to_read(issue),
                  sightings=issues.issue_sightings(session, principal, issue_id), statuses=ISSUE_STATUSES,
                  errors=errors or {})  # fmt: skip


@router.get("/monitoring/findings/{issue_id}")
def finding_page(
    issue_id: uuid.UUID, request: Request, session: DbSession, principal: Principal = requires(VIEW)
) -> HTMLResponse:
    """Show a network finding: its status, the scans that reported it with their evidence, the triage form."""
    return _detail(request, session, principal, issue_id)


@router.post("/monitoring/findings/{issue_id}")
def triage(
    issue_id: uuid.UUID, request: Request, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Triage a network finding: accept until a date, mark a false positive, fixed, or reopen it."""
    try:
        try:
            data = IssueTriageIn.model_validate({"status": text(form, "status", 20), "reason": text(form, "reason"),
                                                 "until": text(form, "until", 20) or None})  # fmt: skip
        except ValidationError as exc:
            raise InvalidInput([FieldError(".".join(["form", *map(str, e["loc"])]), e["msg"])
                                for e in exc.errors()]) from None  # fmt: skip
        issue = issues.triage_issue(session, principal, issue_id, data)
    except TandemError as exc:
        discard(session)
        return _detail(request, session, principal, issue_id, 422, form_errors(exc))
    return redirect(f"/monitoring/findings/{issue.id}", f"Finding marked {issue.status.replace('_', ' ')}")

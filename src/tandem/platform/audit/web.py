"""Audit log pages: browse, filter, verify. Nothing here changes the log."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from tandem.platform.api.deps import DbSession, requires
from tandem.platform.audit import service
from tandem.platform.auth.principal import Principal
from tandem.platform.db.paging import PageRequest
from tandem.platform.web.render import render

router = APIRouter(include_in_schema=False)


@router.get("/audit")
def audit_page(request: Request, session: DbSession, principal: Principal = requires("audit.view")) -> HTMLResponse:
    """List audit entries, newest first, with filters."""
    params = {k: v for k, v in request.query_params.items() if v and k != "flash"}
    params.setdefault("sort", "-seq")
    page = service.list_entries(session, principal, PageRequest.parse(service.LIST_SPEC, params))
    return render_page(request, page, params, None)


@router.get("/audit/verify")
def audit_verify(request: Request, session: DbSession, principal: Principal = requires("audit.view")) -> HTMLResponse:
    """Verify the chain and show the result above the latest entries."""
    report = service.verify(session, principal)
    page = service.list_entries(session, principal, PageRequest.parse(service.LIST_SPEC, {"sort": "-seq"}))
    return render_page(request, page, {"sort": "-seq"}, report)


def render_page(request: Request, page: object, params: dict[str, str], report: object) -> HTMLResponse:
    """Render the audit list."""
    return render(request, "platform/audit.html", page=page, params=params, report=report)

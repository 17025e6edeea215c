"""Web page /reporting/metrics: every home metric with its value and the list behind it."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from tandem.platform.api.deps import DbSession, requires
from tandem.platform.auth.principal import Principal
from tandem.platform.web.render import render
from tandem.reporting.homes import exports, format, service

router = APIRouter(include_in_schema=False)
VIEW = "reporting.view"
exports.register()
UNITS = {"count": format.number, "ratio": format.percent, "money": format.money, "money_per_money": format.number}


@router.get("/reporting/metrics")
def metrics_page(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> HTMLResponse:
    """List the metrics the user may read, each linked to its list; the API and exports are linked too."""
    rows = [(m, UNITS.get(m.unit, format.number)(m.value)) for m in service.list_metrics(session, principal)]
    return render(request, "reporting/homes/metrics.html", rows=rows)

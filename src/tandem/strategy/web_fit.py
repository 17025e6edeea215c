"""The TIME assessment form: a person scores an application's business fit and technical fit."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from tandem.inventory import service as inventory
from tandem.platform.api.deps import DbSession, requires
from tandem.platform.auth.principal import Principal
from tandem.platform.errors import FieldError, InvalidInput, TandemError
from tandem.platform.web.forms import WebForm, discard, form_errors, text
from tandem.platform.web.render import redirect, render
from tandem.strategy import fit
from tandem.strategy import repository as repo

router = APIRouter(include_in_schema=False)


def _score(value: str, name: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise InvalidInput([FieldError(f"body.{name}", "enter a number from 1 to 5")]) from None


@router.get("/strategy/rationalisation/{application_id}")
def fit_page(
    application_id: uuid.UUID, request: Request, session: DbSession, principal: Principal = requires("strategy.view")
) -> HTMLResponse:
    """Show an application's TIME assessment with the form to change it."""
    app = inventory.get_record(session, principal, inventory.kind_of("application"), application_id)
    row = repo.fits_for(session, [app.id]).get(app.id)
    values: dict[str, object] = {}
    suggested = None
    if row is not None:
        values = {"business_fit": row.business_fit, "technical_fit": row.technical_fit, "rationale": row.rationale}
        suggested = fit.suggested_disposition(row.business_fit, row.technical_fit)
    return render(request, "strategy/fit.html", app=app, row=row, values=values, errors={}, suggested=suggested)


@router.post("/strategy/rationalisation/{application_id}")
def fit_save(
    application_id: uuid.UUID,
    request: Request,
    form: WebForm,
    session: DbSession,
    principal: Principal = requires("strategy.edit"),
) -> Response:
    """Record the scores; errors are shown on the form with what was typed."""
    values = {name: text(form, name, 5000) for name in ("business_fit", "technical_fit", "rationale")}
    app = inventory.get_record(session, principal, inventory.kind_of("application"), application_id)
    try:
        data = fit.FitInput(_score(values["business_fit"], "business_fit"),
                            _score(values["technical_fit"], "technical_fit"), values["rationale"])  # fmt: skip
        row = fit.set_fit(session, principal, application_id, data)
    except TandemError as exc:
        discard(session)
        return render(request, "strategy/fit.html", app=app, row=None, values=values, errors=form_errors(exc),
                      suggested=None, status_code=422)  # fmt: skip
    suggested = fit.suggested_disposition(row.business_fit, row.technical_fit)
    note = "" if suggested == app.time_disposition else f" The scores suggest {suggested}, not {app.time_disposition}."
    return redirect("/strategy/rationalisation", f"{app.name} assessed.{note}")

"""Risk pages: register with filters and heat map, scenario form with preview, results, portfolio, matrix."""

from __future__ import annotations

import contextlib
import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from tandem.platform.api.deps import DbSession, requires
from tandem.platform.auth import service as auth
from tandem.platform.auth.permissions import visible_unit_ids
from tandem.platform.auth.principal import Principal
from tandem.platform.errors import FieldError, InvalidInput, TandemError
from tandem.platform.web.forms import WebForm, discard, form_errors, text
from tandem.platform.web.render import redirect, render
from tandem.risk import charts, matrix, service, simulation, treatments, webforms
from tandem.risk import repository as repo
from tandem.risk.inputs import FACTORS
from tandem.risk.schemas import MatrixUpdate, ScenarioCreate, ScenarioUpdate, SimulateRequest, TermCreate
from tandem.risk.vocab import LOSS_TYPES, STATUSES, TAXONOMY_KINDS

router = APIRouter(include_in_schema=False)
VIEW, EDIT = "risk.view", "risk.edit"
FILTERS = ("status", "threat_community", "threat_event", "likelihood", "impact")


def _home_unit(session: Any) -> uuid.UUID:
    root = auth.root_unit(session)
    if root is None:
        raise InvalidInput.one("org_unit_id", "create the organisation first")
    return root.id


@router.get("/risk/scenarios")
def register_page(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> HTMLResponse:
    """The register: filters, the heat map (counts per cell) and the list with level and ALE."""
    filters = {k: v for k, v in request.query_params.items() if k in FILTERS and v}
    q = request.query_params.get("q", "")[:200].lower()
    try:
        rows = service.visible_scenarios(session, principal, filters)
    except (ValueError, InvalidInput):
        rows, filters = service.visible_scenarios(session, principal, {}), {}
    if q:
        rows = [s for s in rows if q in s.title.lower() or q in s.description.lower()]
    unit = _home_unit(session)
    grid = matrix.matrix_data(session, unit)
    results = repo.results_of(session, [s.id for s in rows])
    items = [{"s": s, "level": matrix.level_of(matrix.matrix_data(session, s.org_unit_id), s.likelihood, s.impact),
              "ale": (results[s.id].stats or {}).get("mean") if s.id in results else None} for s in rows]  # fmt: skip
    return render(request, "risk/register.html", items=items, filters=filters, q=q, statuses=STATUSES,
                  taxonomy=service.taxonomy(session, unit), heat=matrix.heatmap(grid, rows), matrix=grid,
                  levels={lv["key"]: lv for lv in grid["levels"]})  # fmt: skip


def _form_page(request: Request, session: Any, principal: Principal, **ctx: Any) -> HTMLResponse:
    unit = ctx.get("unit_id") or _home_unit(session)
    units = [u for u in (auth.get_unit(session, None, uid) for uid in visible_unit_ids(session, principal, EDIT))]
    previews = {}
    for factor, _row in ctx["rows"].items():
        est = (ctx.get("fair") or {}).get(factor)
        if est:
            with contextlib.suppress(InvalidInput):
                previews[factor] = simulation.describe_estimate(est)
    return render(request, "risk/form.html", factors=FACTORS, labels=webforms.FACTOR_LABELS, types=webforms.TYPES,
                  statuses=STATUSES, loss_types=LOSS_TYPES, taxonomy=service.taxonomy(session, unit), units=units,
                  matrix=matrix.matrix_data(session, unit), previews=previews,
                  status_code=422 if ctx.get("errors") else 200, **ctx)  # fmt: skip


@router.get("/risk/scenarios/new")
def new_page(request: Request, session: DbSession, principal: Principal = requires(EDIT)) -> HTMLResponse:
    """The empty scenario form."""
    return _form_page(
        request, session, principal, values={}, rows=webforms.form_rows(None), errors={}, action="/risk/scenarios/new"
    )


def _submit(form: Any, session: Any, principal: Principal, scenario_id: uuid.UUID | None) -> Any:
    data = webforms.payload_from(form)
    try:
        if scenario_id is None:
            data["org_unit_id"] = text(form, "org_unit_id") or None
            return service.create_scenario(session, principal, ScenarioCreate.model_validate(data))
        return service.update_scenario(session, principal, scenario_id, ScenarioUpdate.model_validate(data))
    except ValidationError as exc:
        raise InvalidInput([FieldError(".".join(str(p) for p in e["loc"]), e["msg"]) for e in exc.errors()]) from None


@router.post("/risk/scenarios/new")
def create_page(request: Request, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)) -> Response:
    """Create a scenario, or re-render with the implied values when Preview was pressed."""
    return _post(request, form, session, principal, None)


def _post(request: Request, form: Any, session: Any, principal: Principal, scenario_id: uuid.UUID | None) -> Response:
    data = webforms.payload_from(form)
    action = f"/risk/scenarios/{scenario_id}/edit" if scenario_id else "/risk/scenarios/new"
    ctx = {"values": {**data, "org_unit_id": text(form, "org_unit_id")}, "rows": _rows_from(form),
           "fair": data["fair"], "action": action}  # fmt: skip
    if text(form, "action") == "preview":
        return _form_page(request, session, principal, errors={}, **ctx)
    try:
        scenario = _submit(form, session, principal, scenario_id)
    except TandemError as exc:
        discard(session)
        return _form_page(request, session, principal, errors=webforms.errors_by_field(exc), **ctx)
    return redirect(f"/risk/scenarios/{scenario.id}", "Scenario saved.")


def _rows_from(form: Any) -> dict[str, dict[str, str]]:
    return {f: {k: text(form, f"{f}.{k}") for k in ("type", "lo", "mode", "hi", "gamma")} for f in FACTORS}


@router.get("/risk/scenarios/{scenario_id}/edit")
def edit_page(
    scenario_id: uuid.UUID, request: Request, session: DbSession, principal: Principal = requires(EDIT)
) -> HTMLResponse:
    """The scenario form filled in."""
    s = service.get_scenario(session, principal, scenario_id)
    values = {k: getattr(s, k) for k in (*webforms.PLAIN, "loss_types", "org_unit_id")}
    return _form_page(request, session, principal, values=values, rows=webforms.form_rows(s.fair), fair=s.fair,
                      errors={}, action=f"/risk/scenarios/{s.id}/edit", unit_id=s.org_unit_id)  # fmt: skip


@router.post("/risk/scenarios/{scenario_id}/edit")
def update_page(
    scenario_id: uuid.UUID, request: Request, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Save the scenario form (or preview it)."""
    return _post(request, form, session, principal, scenario_id)


@router.get("/risk/scenarios/{scenario_id}")
def scenario_page(
    scenario_id: uuid.UUID, request: Request, session: DbSession, principal: Principal = requires(VIEW)
) -> HTMLResponse:
    """A scenario: rating, targets, FAIR inputs, results with LEC and tolerance, treatments, what-if."""
    s = service.get_scenario(session, principal, scenario_id)
    return render(request, "risk/scenario.html", **_scenario_ctx(session, principal, s, None))


def _scenario_ctx(session: Any, principal: Principal, s: Any, whatif: dict[str, Any] | None) -> dict[str, Any]:
    grid = matrix.matrix_data(session, s.org_unit_id)
    result = simulation.result_of(session, principal, s.id)
    curves = [("Inherent", result["lec"])] if result else []
    if whatif:
        curves = [("Baseline", whatif["baseline"]["lec"]), ("With treatments", whatif["treated"]["lec"])]
    level = matrix.level_of(grid, s.likelihood, s.impact)
    return {"s": s, "result": result, "level": level, "above": matrix.above_appetite(grid, level), "matrix": grid,
            "targets": service.target_labels(session, principal, s), "whatif": whatif,
            "treatments": repo.treatments_of(session, s.id), "labels": webforms.FACTOR_LABELS,
            "lec": charts.lec_chart(curves, grid["tolerance"]) if curves else None,
            "summary": charts.summary_chart(result) if result else None,
            "breaches": charts.exceeds_tolerance(result["lec"], grid["tolerance"]) if result else []}  # fmt: skip


@router.post("/risk/scenarios/{scenario_id}/what-if")
def what_if_page(
    scenario_id: uuid.UUID, request: Request, session: DbSession, principal: Principal = requires(VIEW)
) -> Response:
    """Show the scenario with the baseline-vs-treated comparison."""
    s = service.get_scenario(session, principal, scenario_id)
    try:
        whatif = simulation.what_if_scenario(session, principal, scenario_id)
    except InvalidInput as exc:
        return redirect(f"/risk/scenarios/{scenario_id}", exc.errors[0].reason)
    return render(request, "risk/scenario.html", **_scenario_ctx(session, principal, s, whatif))


@router.post("/risk/treatments/{treatment_id}/accept")
def accept_page(
    treatment_id: uuid.UUID, request: Request, form: WebForm, session: DbSession,
    principal: Principal = requires("risk.accept"),
) -> Response:  # fmt: skip
    """Accept a risk from the scenario page."""
    from tandem.risk.schemas import Acceptance

    t = treatments.get_treatment(session, principal, treatment_id)
    try:
        data = Acceptance.model_validate({"reason": text(form, "reason"), "until": text(form, "until")})
        treatments.accept(session, principal, treatment_id, data, principal.username)
    except (TandemError, ValidationError) as exc:
        discard(session)
        message = exc.message if isinstance(exc, TandemError) else "give a reason and a future date"
        return redirect(f"/risk/scenarios/{t.scenario_id}", message)
    return redirect(f"/risk/scenarios/{t.scenario_id}", "Risk accepted.")


@router.get("/risk/portfolio")
def portfolio_page(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> HTMLResponse:
    """The portfolio: aggregate LEC against tolerance, top contributors, the latest run."""
    unit = _home_unit(session)
    run = repo.latest_portfolio_run(session, visible_unit_ids(session, principal, VIEW))
    grid = matrix.matrix_data(session, run.org_unit_id if run else unit)
    total = run.total if run else None
    lec = charts.lec_chart([("Portfolio", total["lec"])], grid["tolerance"]) if total else None
    return render(request, "risk/portfolio.html", run=run, total=total, lec=lec, matrix=grid,
                  breaches=charts.exceeds_tolerance(total["lec"], grid["tolerance"]) if total else [])  # fmt: skip


@router.post("/risk/portfolio/simulate")
def simulate_page(session: DbSession, principal: Principal = requires("risk.simulate")) -> Response:
    """Queue a portfolio simulation and follow its job."""
    try:
        run = simulation.start_run(session, principal, SimulateRequest())
    except InvalidInput as exc:
        discard(session)
        return redirect("/risk/portfolio", exc.errors[0].reason)
    return redirect(f"/jobs/{run.job_id}", "Simulation queued.")


@router.get("/risk/matrix")
def matrix_page(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> HTMLResponse:
    """The organisation's matrix, appetite and tolerance curve, and its threat taxonomy, with their edit forms."""
    return _matrix_page(request, session)


def _matrix_page(
    request: Request, session: Any, values: dict[str, Any] | None = None, errors: dict[str, str] | None = None,
    term: dict[str, str] | None = None, term_errors: dict[str, str] | None = None,
) -> HTMLResponse:  # fmt: skip
    unit = _home_unit(session)
    grid = matrix.matrix_data(session, unit)
    form = webforms.matrix_rows(values or grid)
    return render(request, "risk/matrix.html", 422 if errors or term_errors else 200, matrix=grid, form=form,
                  levels={lv["key"]: lv for lv in grid["levels"]}, heat=matrix.heatmap(grid, []),
                  errors=errors or {}, taxonomy=service.taxonomy(session, unit), terms=repo.terms_for(session, unit),
                  term=term or {}, term_errors=term_errors or {}, kinds=TAXONOMY_KINDS)  # fmt: skip


def _validated(model: Any, data: dict[str, Any]) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(
            [FieldError(".".join(["body", *map(str, e["loc"])]), e["msg"]) for e in exc.errors()]
        ) from None


@router.post("/risk/matrix")
def update_matrix_page(
    request: Request, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Save the matrix: likelihood and impact labels, levels and colours, cells, appetite, tolerance points."""
    values = webforms.matrix_values(form)
    try:
        matrix.update_matrix(
            session, principal, _home_unit(session), _validated(MatrixUpdate, webforms.matrix_payload(values))
        )
    except TandemError as exc:
        discard(session)
        return _matrix_page(request, session, values=values, errors=form_errors(exc))
    return redirect("/risk/matrix", "Matrix saved.")


@router.post("/risk/matrix/terms")
def add_term_page(
    request: Request, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Add a threat community or threat event to the organisation's taxonomy."""
    term = {k: text(form, k, 20_000) for k in ("kind", "name", "description")}
    try:
        added = service.add_term(
            session, principal, _validated(TermCreate, {**term, "org_unit_id": _home_unit(session)})
        )
    except TandemError as exc:
        discard(session)
        return _matrix_page(request, session, term=term, term_errors=form_errors(exc))
    return redirect("/risk/matrix", f"Added {added.name!r} to the taxonomy.")


@router.post("/risk/matrix/terms/{term_id}/delete")
def delete_term_page(term_id: uuid.UUID, session: DbSession, principal: Principal = requires(EDIT)) -> Response:
    """Remove a taxonomy term the organisation added (scenarios keep the name they have)."""
    service.delete_term(session, principal, term_id)
    return redirect("/risk/matrix", "Term removed from the taxonomy.")

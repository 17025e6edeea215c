"""Control-test pages: add, edit, disable, run now and delete a control's tests; a result with its evidence
snapshot; the drift list."""

from __future__ import annotations

import uuid
from typing import Any

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from tandem.compliance.automation import repository as repo
from tandem.compliance.automation import rollup, runner
from tandem.compliance.automation import service as tests
from tandem.compliance.automation.schemas import CADENCES, ControlTestCreate, ControlTestUpdate
from tandem.compliance.common import validate
from tandem.compliance.controls.service import get_control
from tandem.compliance.models import Control, ControlTest
from tandem.compliance.web_common import BLANK, errors_of, unit_choices
from tandem.platform.api.deps import DbSession, requires
from tandem.platform.auth.principal import Principal
from tandem.platform.checks import CheckSpec, get_check
from tandem.platform.errors import FieldError, InvalidInput, TandemError
from tandem.platform.web.forms import WebForm, discard, text
from tandem.platform.web.render import redirect, render

router = APIRouter(include_in_schema=False)
VIEW, EDIT = "compliance.view", "compliance.edit"
TIMELINE = 30


def control_context(session: Session, principal: Principal, control: Control) -> dict[str, Any]:
    """Return what the control page shows of its automated tests: each test with its pass/fail timeline."""
    items, latest = [], []
    for t in repo.tests_of_control(session, control.id):
        spec = _spec(t.check_name)
        history = repo.results_of(session, t.id, TIMELINE)
        items.append({"test": t, "title": tests.check_title(t.check_name),
                      "description": spec.description if spec else "", "timeline": list(reversed(history)),
                      "latest": history[0] if history else None})  # fmt: skip
        if t.enabled:
            latest.append({"status": history[0].status if history else "never"})
    return {"tests": items, "automated_state": rollup.control_state(latest)}


def _spec(name: str) -> CheckSpec | None:
    try:
        return get_check(name)
    except KeyError:
        return None


def _check_choices() -> list[tuple[str, str]]:
    return BLANK + [(c["name"], f"{c['title']} ({c['name']})") for c in tests.catalogue()]


def _form(
    request: Request, session: Session, principal: Principal, control: Control, test: ControlTest | None,
    values: dict[str, Any], errors: dict[str, str], status: int = 200,
) -> HTMLResponse:  # fmt: skip
    spec = _spec(values.get("check_name", ""))
    return render(request, "compliance/test_form.html", status, control=control, test=test, values=values,
                  errors=errors, spec=spec, checks=_check_choices(), cadences=[(c, c) for c in CADENCES],
                  units=[("", "the control's unit"), *unit_choices(session, principal, EDIT)])  # fmt: skip


def _values_of(test: ControlTest) -> dict[str, Any]:
    values: dict[str, Any] = {"check_name": test.check_name, "cadence": test.cadence, "enabled": test.enabled,
                              "scope_unit_id": str(test.scope_unit_id or "")}  # fmt: skip
    values.update({f"p_{k}": v for k, v in (test.params or {}).items()})
    return values


def _shown(form: FormData, spec: CheckSpec | None) -> dict[str, Any]:
    shown: dict[str, Any] = {name: text(form, name, 200).strip() for name in ("check_name", "cadence", "scope_unit_id")}
    shown["enabled"] = text(form, "enabled") == "on"
    for p in spec.params if spec else ():
        shown[f"p_{p.name}"] = text(form, f"p_{p.name}", 500).strip() if p.kind != "bool" else (
            "true" if text(form, f"p_{p.name}") == "on" else "false")  # fmt: skip
    return shown


def _params(shown: dict[str, Any], spec: CheckSpec | None) -> dict[str, Any]:
    return {p.name: shown[f"p_{p.name}"] for p in spec.params if shown.get(f"p_{p.name}", "") != ""} if spec else {}


def _errors(exc: Exception) -> dict[str, str]:
    if isinstance(exc, InvalidInput):  # body.params.max_age_days → the form field p_max_age_days
        exc = InvalidInput([FieldError(e.location.replace("body.params.", "p_"), e.reason) for e in exc.errors])
    return errors_of(exc)


@router.get("/compliance/controls/{control_id}/tests/new")
def new_test(
    control_id: uuid.UUID, request: Request, session: DbSession, principal: Principal = requires(EDIT)
) -> HTMLResponse:
    """Show the add-test form; choosing a check (?check_name=) shows its description and parameters."""
    control = get_control(session, principal, control_id)
    name = request.query_params.get("check_name", "")[:100]
    spec = _spec(name)
    values: dict[str, Any] = {"check_name": name, "cadence": "daily", "enabled": True, "scope_unit_id": ""}
    values.update({f"p_{p.name}": p.default for p in spec.params} if spec else {})
    return _form(request, session, principal, control, None, values, {})


@router.post("/compliance/controls/{control_id}/tests/new")
def create_test(
    control_id: uuid.UUID, request: Request, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Attach the test, or show the form again with each error beside its field."""
    control = get_control(session, principal, control_id)
    spec = _spec(text(form, "check_name", 100))
    shown = _shown(form, spec)
    try:
        data = {"control_id": str(control.id), "check_name": shown["check_name"], "params": _params(shown, spec),
                "cadence": shown["cadence"] or "daily", "enabled": shown["enabled"],
                "scope_unit_id": shown["scope_unit_id"] or None}  # fmt: skip
        tests.create_test(session, principal, validate(ControlTestCreate, data))
    except TandemError as exc:
        discard(session)
        return _form(request, session, principal, control, None, shown, _errors(exc), 422)
    return redirect(f"/compliance/controls/{control.id}#tests", "Automated test added.")


@router.get("/compliance/control-tests/{test_id}/edit")
def edit_test(
    test_id: uuid.UUID, request: Request, session: DbSession, principal: Principal = requires(EDIT)
) -> HTMLResponse:
    """Show the test form filled with the test."""
    test = tests.get_test(session, principal, test_id)
    control = get_control(session, principal, test.control_id)
    return _form(request, session, principal, control, test, _values_of(test), {})


@router.post("/compliance/control-tests/{test_id}/edit")
def update_test(
    test_id: uuid.UUID, request: Request, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Save the test's parameters, cadence, scope and enabled flag."""
    test = tests.get_test(session, principal, test_id)
    spec = _spec(test.check_name)
    shown = _shown(form, spec) | {"check_name": test.check_name}
    try:
        data = {"params": _params(shown, spec), "cadence": shown["cadence"] or test.cadence,
                "enabled": shown["enabled"], "scope_unit_id": shown["scope_unit_id"] or None}  # fmt: skip
        tests.update_test(session, principal, test_id, validate(ControlTestUpdate, data))
    except TandemError as exc:
        discard(session)
        test = tests.get_test(session, principal, test_id)
        control = get_control(session, principal, test.control_id)
        return _form(request, session, principal, control, test, shown, _errors(exc), 422)
    return redirect(f"/compliance/controls/{test.control_id}#tests", "Test saved.")


@router.post("/compliance/control-tests/{test_id}/enabled")
def toggle_test(
    test_id: uuid.UUID, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Enable or disable a test."""
    enabled = text(form, "enabled") == "true"
    test = tests.update_test(session, principal, test_id, ControlTestUpdate(enabled=enabled))
    return redirect(f"/compliance/controls/{test.control_id}#tests", "Test enabled." if enabled else "Test disabled.")


@router.post("/compliance/control-tests/{test_id}/run")
def run_test(test_id: uuid.UUID, session: DbSession, principal: Principal = requires(EDIT)) -> Response:
    """Run the test now and show its verdict."""
    result = runner.run_now(session, principal, test_id)
    return redirect(f"/compliance/test-results/{result.id}", f"Ran: {result.status} — {result.summary}"[:200])


@router.post("/compliance/control-tests/{test_id}/delete")
def delete_test(test_id: uuid.UUID, session: DbSession, principal: Principal = requires(EDIT)) -> Response:
    """Delete a test and its results."""
    control_id = tests.get_test(session, principal, test_id).control_id
    tests.delete_test(session, principal, test_id)
    return redirect(f"/compliance/controls/{control_id}#tests", "Test deleted.")


@router.get("/compliance/test-results/{result_id}")
def result_page(
    result_id: uuid.UUID, request: Request, session: DbSession, principal: Principal = requires(VIEW)
) -> HTMLResponse:
    """Show a test result: verdict, parameters used, and the evidence snapshot with its SHA-256."""
    result = tests.get_result(session, principal, result_id)
    control = get_control(session, principal, result.control_id)
    snapshot = orjson.loads(result.snapshot) if result.snapshot else {"columns": [], "rows": []}
    return render(request, "compliance/test_result.html", result=result, control=control, snapshot=snapshot,
                  title=tests.check_title(result.check_name))  # fmt: skip


@router.get("/compliance/drift")
def drift_page(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> HTMLResponse:
    """List the controls whose automated tests started failing after passing."""
    return render(request, "compliance/drift.html", items=rollup.drift(session, principal))

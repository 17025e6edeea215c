"""REST routes /api/v1/compliance: the checks catalogue, control tests, their results, runs and drift."""

from __future__ import annotations

import uuid
from typing import Any

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import Response

from tandem.compliance.automation import rollup, runner
from tandem.compliance.automation import service as tests
from tandem.compliance.automation.schemas import ControlTestCreate, ControlTestUpdate, RunRequest
from tandem.platform.api.deps import DbSession, requires
from tandem.platform.api.paging import page_out, page_request
from tandem.platform.auth.principal import Principal

router = APIRouter(prefix="/api/v1/compliance", tags=["compliance"])
VIEW, EDIT = "compliance.view", "compliance.edit"


@router.get("/checks")
def list_checks(principal: Principal = requires(VIEW)) -> Any:
    """List the registered control checks with their parameters."""
    return {"items": tests.catalogue()}


@router.get("/control-tests")
def list_tests(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """List control tests (filters: control_id, check_name, last_status)."""
    return page_out(tests.list_tests(session, principal, page_request(request, tests.SPEC)), tests.to_read)


@router.post("/control-tests", status_code=201)
def create_test(body: ControlTestCreate, session: DbSession, principal: Principal = requires(EDIT)) -> Any:
    """Attach an automated test (a registered check with parameters and a cadence) to a control."""
    return tests.to_read(tests.create_test(session, principal, body))


@router.post("/control-tests/runs", status_code=202)
def run_tests(body: RunRequest, session: DbSession, principal: Principal = requires(EDIT)) -> Any:
    """Queue a run of one test, one control's tests, or (empty body) every test you may run; returns the job."""
    job = runner.request_run(session, principal, control_id=body.control_id, test_id=body.test_id)
    return {"job_id": str(job.id), "name": job.name, "args": job.args}


@router.get("/control-tests/{test_id}")
def get_test(test_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return a control test."""
    return tests.to_read(tests.get_test(session, principal, test_id))


@router.patch("/control-tests/{test_id}")
def update_test(
    test_id: uuid.UUID, body: ControlTestUpdate, session: DbSession, principal: Principal = requires(EDIT)
) -> Any:
    """Change a test's parameters, cadence, scope unit, or enable/disable it."""
    return tests.to_read(tests.update_test(session, principal, test_id, body))


@router.delete("/control-tests/{test_id}", status_code=204)
def delete_test(test_id: uuid.UUID, session: DbSession, principal: Principal = requires(EDIT)) -> Response:
    """Delete a test and its results."""
    tests.delete_test(session, principal, test_id)
    return Response(status_code=204)


@router.get("/test-results")
def list_results(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """List test results, newest first (filters: control_id, test_id, status)."""
    page = tests.list_results(session, principal, page_request(request, tests.RESULT_SPEC))
    return page_out(page, tests.result_read)


@router.get("/test-results/{result_id}")
def get_result(result_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return a test result with its evidence snapshot (columns and rows) and the snapshot's SHA-256."""
    result = tests.get_result(session, principal, result_id)
    snapshot = orjson.loads(result.snapshot) if result.snapshot else None
    return {**tests.result_read(result).model_dump(mode="json"), "snapshot": snapshot}


@router.get("/drift")
def drift(session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """List the tests whose latest result fails after an earlier pass, with when they started failing."""
    return {"items": rollup.drift(session, principal)}

"""Automated control tests: attach a registered check to a control, with its parameters, cadence and scope."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from tandem.compliance import actions
from tandem.compliance.automation import repository as repo
from tandem.compliance.automation.schemas import ControlTestCreate, ControlTestRead, ControlTestUpdate, TestResultRead
from tandem.compliance.common import check, get_visible, require_in_unit
from tandem.compliance.controls.service import get_control
from tandem.compliance.models import ControlTest, ControlTestResult
from tandem.compliance.records import OrgRepository
from tandem.platform.auth.permissions import require
from tandem.platform.auth.principal import Principal
from tandem.platform.checks import CheckSpec, all_checks, get_check
from tandem.platform.db.paging import ListSpec, Page, PageRequest
from tandem.platform.errors import FieldError, InvalidInput, NotFound

SPEC = ListSpec(("created_at", "check_name"), "created_at", ("org_unit_id", "control_id", "check_name", "last_status"))
RESULT_SPEC = ListSpec(("ran_at",), "-ran_at", ("org_unit_id", "control_id", "test_id", "status"), ())


def spec_of(name: str, where: str = "body.check_name") -> CheckSpec:
    """Return a registered check, or InvalidInput naming the field."""
    try:
        return get_check(name)
    except KeyError:
        raise InvalidInput.one(where, f"no control check named {name!r}; see GET /api/v1/compliance/checks") from None


def _check_scope_unit(session: Session, principal: Principal | None, unit_id: uuid.UUID | None) -> None:
    """A wider scope than the control's unit shows records of that unit: the author must be allowed there."""
    if unit_id is None:
        return
    try:
        require_in_unit(session, principal, unit_id, actions.EDIT.name)
    except InvalidInput:
        raise InvalidInput.one("body.scope_unit_id", "no such org unit") from None


def create_test(session: Session, principal: Principal | None, data: ControlTestCreate) -> ControlTest:
    """Attach an automated test to a control (check and parameters validated against the registry)."""
    try:
        control = get_control(session, principal, data.control_id)
    except NotFound:
        raise InvalidInput.one("body.control_id", "no such control") from None
    check(session, principal, actions.EDIT.name, control)
    params = resolve(spec_of(data.check_name), data.params)
    _check_scope_unit(session, principal, data.scope_unit_id)
    test = ControlTest(
        control_id=control.id, check_name=data.check_name, params=params, cadence=data.cadence,
        enabled=data.enabled, scope_unit_id=data.scope_unit_id, org_unit_id=control.org_unit_id,
    )  # fmt: skip
    return OrgRepository(session, ControlTest).add(test)


def resolve(spec: CheckSpec, params: dict[str, Any]) -> dict[str, Any]:
    """Return the check's parameters with defaults; errors located under body.params.<name>."""
    try:
        return spec.resolve_params(params)
    except InvalidInput as exc:
        raise InvalidInput([FieldError(f"body.{e.location}", e.reason) for e in exc.errors]) from None


def update_test(
    session: Session, principal: Principal | None, test_id: uuid.UUID, data: ControlTestUpdate
) -> ControlTest:
    """Change a test's parameters, cadence, scope or enabled flag."""
    test = get_test(session, principal, test_id)
    check(session, principal, actions.EDIT.name, test)
    patch = data.model_dump(exclude_unset=True)
    if patch.get("params") is not None:
        test.params = resolve(spec_of(test.check_name), patch["params"])
    if "scope_unit_id" in patch:
        _check_scope_unit(session, principal, patch["scope_unit_id"])
        test.scope_unit_id = patch["scope_unit_id"]
    for key in ("cadence", "enabled"):
        if patch.get(key) is not None:
            setattr(test, key, patch[key])
    session.flush()
    return test


def delete_test(session: Session, principal: Principal | None, test_id: uuid.UUID) -> None:
    """Delete a test, its results and their automated evidence (the snapshots live in the results)."""
    test = get_test(session, principal, test_id)
    check(session, principal, actions.EDIT.name, test)
    for evidence in repo.evidence_of_test(session, test.id):
        session.delete(evidence)
    OrgRepository(session, ControlTest).delete(test)


def get_test(session: Session, principal: Principal | None, test_id: uuid.UUID) -> ControlTest:
    """Return a test principal may see."""
    return get_visible(session, principal, ControlTest, test_id, "control test")


def list_tests(session: Session, principal: Principal, req: PageRequest) -> Page[Any]:
    """List the tests principal may see."""
    require(session, principal, actions.VIEW.name)
    return OrgRepository(session, ControlTest).list_page(principal, req)


def tests_of(session: Session, principal: Principal | None, control_id: uuid.UUID) -> list[ControlTest]:
    """Return the tests of a control principal may see."""
    control = get_control(session, principal, control_id)
    return repo.tests_of_control(session, control.id)


def list_results(session: Session, principal: Principal, req: PageRequest) -> Page[Any]:
    """List the results principal may see, newest first."""
    require(session, principal, actions.VIEW.name)
    return OrgRepository(session, ControlTestResult).list_page(principal, req)


def get_result(session: Session, principal: Principal | None, result_id: uuid.UUID) -> ControlTestResult:
    """Return a result principal may see."""
    return get_visible(session, principal, ControlTestResult, result_id, "test result")


def check_title(name: str) -> str:
    """Return a check's title, or a note that it is not (or no longer) registered."""
    try:
        return get_check(name).title
    except KeyError:
        return f"{name} (not registered)"


def to_read(test: ControlTest) -> ControlTestRead:
    """Return the output schema with the check's title."""
    out = ControlTestRead.model_validate(test)
    out.check_title = check_title(test.check_name)
    return out


def result_read(result: ControlTestResult) -> TestResultRead:
    """Return a result's output schema (without the snapshot)."""
    return TestResultRead.model_validate(result)


def catalogue() -> list[dict[str, Any]]:
    """Return every registered check with its parameters, for forms, the API and the CLI."""
    return [
        {"name": s.name, "title": s.title, "description": s.description, "domain": s.domain,
         "params": [{"name": p.name, "kind": p.kind, "default": p.default, "help": p.help, "minimum": p.minimum,
                     "maximum": p.maximum} for p in s.params]}
        for s in all_checks()
    ]  # fmt: skip

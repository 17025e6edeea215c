"""Run control tests: each check reads with the caller's session; its verdict, evidence snapshot and hash are
written in the same transaction (so the audit log records them). A failing check yields an "error" result."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import time
import uuid
from collections.abc import Callable, Sequence
from typing import Any

import orjson
from sqlalchemy.orm import Session

from tandem.compliance import actions
from tandem.compliance.automation import repository as repo
from tandem.compliance.automation.schemas import cadence_hours
from tandem.compliance.automation.service import get_test
from tandem.compliance.controls.service import get_control
from tandem.compliance.models import ControlTest, ControlTestResult, Evidence
from tandem.platform.auth.permissions import require, visible_unit_ids
from tandem.platform.auth.principal import Principal
from tandem.platform.checks import CheckOutcome, CheckRun, get_check
from tandem.platform.db.types import utcnow
from tandem.platform.errors import InvalidInput, PermissionDenied
from tandem.platform.jobs.models import Job
from tandem.platform.jobs.service import enqueue

JOB = "compliance.run_control_tests"
MAX_ROWS = 500
# The periodic job runs hourly; a test due within this slack runs now rather than an hour late.
SLACK = dt.timedelta(minutes=5)
Progress = Callable[[int, int, str], None]


def snapshot_of(outcome: CheckOutcome) -> tuple[bytes, int]:
    """Return the outcome's columns and rows as canonical JSON (sorted keys) and the number of rows kept."""
    rows = outcome.rows[:MAX_ROWS]
    body = {"columns": list(outcome.columns), "rows": rows}
    data = orjson.dumps(body, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS, default=str)
    return data, len(rows)


def is_due(test: ControlTest, now: dt.datetime) -> bool:
    """Tell whether an enabled test's last run is older than its cadence."""
    if not test.enabled:
        return False
    if test.last_run_at is None:
        return True
    return test.last_run_at + dt.timedelta(hours=cadence_hours(test.cadence)) <= now + SLACK


def _scope(session: Session, test: ControlTest) -> frozenset[uuid.UUID] | None:
    ids, is_root = repo.subtree_ids(session, test.scope_unit_id or test.org_unit_id)
    return None if is_root else ids


def _check(session: Session, test: ControlTest, now: dt.datetime) -> tuple[str, CheckOutcome, dict[str, Any]]:
    """Run the check inside a savepoint: whatever it raises, the session stays usable for the next one."""
    params: dict[str, Any] = dict(test.params or {})
    try:
        spec = get_check(test.check_name)
    except KeyError as exc:
        return "error", CheckOutcome(False, str(exc.args[0] if exc.args else exc)), params
    try:
        params = spec.resolve_params(params)
    except InvalidInput as exc:
        return "error", CheckOutcome(False, f"invalid parameters: {exc}"), params
    try:
        with session.begin_nested():
            outcome = spec.run(CheckRun(session, params, _scope(session, test), now))
        if not isinstance(outcome, CheckOutcome):
            raise TypeError(f"check returned {type(outcome).__name__}, not a CheckOutcome")
    except Exception as exc:  # a broken check must not stop the other tests of the run
        return "error", CheckOutcome(False, f"the check failed: {type(exc).__name__}: {exc}"[:2000]), params
    return ("pass" if outcome.passed else "fail"), outcome, params


def run_test(
    session: Session, test: ControlTest, now: dt.datetime | None = None, trigger: str = "scheduled"
) -> ControlTestResult:
    """Run one test now and record its result, with its snapshot attached as automated evidence."""
    now = now or utcnow()
    started = time.perf_counter()
    status, outcome, params = _check(session, test, now)
    duration = int((time.perf_counter() - started) * 1000)
    result = ControlTestResult(
        test_id=test.id, control_id=test.control_id, check_name=test.check_name, status=status,
        summary=outcome.summary[:5000], examined=outcome.examined, failing=outcome.failing,
        measured=_finite(outcome.measured), params=params, duration_ms=duration, trigger=trigger, ran_at=now,
        org_unit_id=test.org_unit_id,
    )  # fmt: skip
    if status != "error":
        data, kept = snapshot_of(outcome)
        result.snapshot, result.sha256, result.row_count = data.decode(), hashlib.sha256(data).hexdigest(), kept
        result.evidence_id = _attach(session, test, result, len(data)).id
    session.add(result)
    test.last_status, test.last_run_at = status, now
    session.flush()
    return result


def _finite(value: float | None) -> float | None:
    return value if value is None or math.isfinite(value) else None


def _attach(session: Session, test: ControlTest, result: ControlTestResult, size: int) -> Evidence:
    """Record the snapshot as the control's evidence, valid until the next run is due."""
    try:
        title = get_check(test.check_name).title
    except KeyError:
        title = test.check_name
    valid_days = max(1, math.ceil(cadence_hours(test.cadence) / 24))
    evidence = Evidence(
        kind="automated", title=f"{title}: {result.status}"[:300], note=result.summary[:5000], sha256=result.sha256,
        file_name=f"{test.check_name}-{result.ran_at:%Y%m%dT%H%M%SZ}.json", media_type="application/json",
        size=size, valid_from=result.ran_at.date(), valid_until=result.ran_at.date() + dt.timedelta(days=valid_days),
        control_id=test.control_id, org_unit_id=test.org_unit_id,
    )  # fmt: skip
    session.add(evidence)
    session.flush()
    return evidence


def run_tests(
    session: Session, tests: Sequence[ControlTest], trigger: str, progress: Progress | None = None
) -> dict[str, int]:
    """Run the given tests one after another; return counts per status."""
    counts = {"pass": 0, "fail": 0, "error": 0}
    for n, test in enumerate(tests):
        if progress is not None:
            progress(n, len(tests), test.check_name)
        counts[run_test(session, test, trigger=trigger).status] += 1
    if progress is not None:
        progress(len(tests), len(tests), "done")
    return counts


def select_tests(session: Session, args: dict[str, Any]) -> tuple[list[ControlTest], str]:
    """Return the tests a job run covers and its trigger: one test, one control's, a set of units', or the due ones."""
    if args.get("test_id"):
        test = session.get(ControlTest, uuid.UUID(str(args["test_id"])))
        return ([test] if test is not None else []), "on-demand"
    if args.get("control_id"):
        return [t for t in repo.tests_of_control(session, uuid.UUID(str(args["control_id"]))) if t.enabled], "on-demand"
    if "unit_ids" in args:
        units = [uuid.UUID(str(u)) for u in args["unit_ids"]]
        return repo.tests_in(session, units, enabled_only=True), "on-demand"
    now = utcnow()
    return [t for t in repo.tests_in(session, None, enabled_only=True) if is_due(t, now)], "scheduled"


def request_run(
    session: Session, principal: Principal | None, control_id: uuid.UUID | None = None,
    test_id: uuid.UUID | None = None,
) -> Job:  # fmt: skip
    """Queue a run of one test, of one control's tests, or of every test principal may run."""
    args: dict[str, Any] = {}
    if test_id is not None:
        test = get_test(session, principal, test_id)
        _require_edit(session, principal, test)
        args["test_id"] = str(test.id)
    elif control_id is not None:
        control = get_control(session, principal, control_id)
        _require_edit(session, principal, control)
        args["control_id"] = str(control.id)
    elif principal is not None:
        require(session, principal, actions.VIEW.name)
        units = visible_unit_ids(session, principal, actions.EDIT.name)
        if not units:
            raise PermissionDenied("you are not allowed to run control tests")
        args["unit_ids"] = [str(u) for u in units]
    return enqueue(session, JOB, args)


def run_now(session: Session, principal: Principal | None, test_id: uuid.UUID) -> ControlTestResult:
    """Run one test in the caller's transaction (the web page's "Run now")."""
    test = get_test(session, principal, test_id)
    _require_edit(session, principal, test)
    return run_test(session, test, trigger="on-demand")


def _require_edit(session: Session, principal: Principal | None, obj: Any) -> None:
    if principal is not None:
        require(session, principal, actions.EDIT.name, obj)

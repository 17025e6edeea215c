"""`tandem compliance test | checks | drift`: run control tests through their job, list checks, list drift."""

from __future__ import annotations

import uuid

import typer
from sqlalchemy.orm import Session

from tandem.compliance.automation import repository as repo
from tandem.compliance.automation import rollup, runner
from tandem.compliance.automation import service as tests
from tandem.compliance.controls.service import get_control
from tandem.compliance.models import Control, ControlTestResult
from tandem.platform.auth.principal import CONSOLE
from tandem.platform.cli.context import cli_uow
from tandem.platform.cli.jobs import run_in_foreground
from tandem.platform.cli.output import Format, emit, format_option, say
from tandem.platform.errors import InvalidInput
from tandem.platform.jobs import service as jobs

RESULT_COLUMNS = ["control", "check", "status", "summary", "ran_at"]


def _control(session: Session, ref: str) -> Control:
    try:
        return get_control(session, CONSOLE, uuid.UUID(ref))
    except ValueError:
        pass
    found = repo.controls_titled(session, ref)
    if len(found) != 1:
        raise InvalidInput.one("--control", f"no single control with id or title {ref!r} ({len(found)} found)")
    return found[0]


def test(
    control: str | None = typer.Option(None, "--control", help="Control id or exact title (default: every test)"),
    wait: bool = typer.Option(False, "--wait", help="Run here now with a progress bar instead of queueing"),
    fmt: Format = format_option(),
) -> None:
    """Queue (or run with --wait) the automated tests of one control, or of every control."""
    with cli_uow() as session:
        target = _control(session, control) if control else None
        job = runner.request_run(session, CONSOLE, control_id=target.id if target else None)
        job_id, control_id = job.id, target.id if target else None
    if not wait:
        say(f"queued control tests (job {job_id}); follow it with `tandem jobs show {job_id}`")
        return
    run_in_foreground(job_id)
    with cli_uow(readonly=True) as session:
        started = jobs.get_job_row(session, CONSOLE, job_id).started_at
        page = [r for r in _results(session, control_id) if started is None or r.ran_at >= started]
        titles = repo.control_titles(session, list({r.control_id for r in page}))
        rows = [{"control": titles.get(r.control_id, ""), "check": r.check_name, "status": r.status,
                 "summary": r.summary, "ran_at": r.ran_at} for r in page]  # fmt: skip
    emit(rows, RESULT_COLUMNS, fmt, "Control test results")


def _results(session: Session, control_id: uuid.UUID | None) -> list[ControlTestResult]:
    """Return the latest result of each test of the control (or of every test)."""
    chosen = repo.tests_of_control(session, control_id) if control_id else repo.tests_in(session, None)
    return list(repo.latest_results(session, [t.id for t in chosen]).values())


def checks(fmt: Format = format_option()) -> None:
    """List the registered control checks and their parameters."""
    rows = [{**c, "params": ", ".join(f"{p['name']}={p['default']}" for p in c["params"])} for c in tests.catalogue()]
    emit(rows, ["name", "title", "params", "description"], fmt, "Control checks")


def drift(fmt: Format = format_option()) -> None:
    """List the controls whose automated test fails now after an earlier pass."""
    with cli_uow(readonly=True) as session:
        rows = rollup.drift(session, CONSOLE)
    if not rows and fmt is Format.table:
        say("no drift: no automated test fails after having passed")
        return
    emit(rows, ["control", "check_name", "failing_since", "last_pass", "control_id"], fmt, "Control drift")

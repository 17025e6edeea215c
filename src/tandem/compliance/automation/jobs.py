"""The control-test job: hourly it runs the tests that are due; on demand one test, a control's, or a unit set's."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from tandem.compliance.automation import runner
from tandem.platform.jobs.context import JobContext
from tandem.platform.jobs.registry import job


@job(runner.JOB, every=dt.timedelta(hours=1), view_action="compliance.view")
def run_control_tests(ctx: JobContext, session: Session, **args: Any) -> dict[str, Any]:
    """Run the control tests the arguments name (none: the due ones) and record their results."""
    tests, trigger = runner.select_tests(session, args)
    counts = runner.run_tests(session, tests, trigger, lambda done, total, what: ctx.progress(done, total, what))
    return {"tests": len(tests), **counts}

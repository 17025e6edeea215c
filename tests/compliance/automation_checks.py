"""Small control checks of the compliance tests' own, registered once at import (the registry is global), so the
runner's tests do not depend on the domains' real checks."""

from __future__ import annotations

from sqlalchemy import select

from tandem.compliance.models import Control
from tandem.platform.checks import CheckOutcome, CheckParam, CheckRun, control_check

PASSES = "compliance.test_always_passes"
AT_MOST = "compliance.test_controls_at_most"
RAISES = "compliance.test_raises"


@control_check(PASSES, "Always passes", "A check that passes with one evidence row.")
def always_passes(run: CheckRun) -> CheckOutcome:
    """Pass, with one row of evidence."""
    return CheckOutcome(True, "all good", ["item", "ok"], [["one", True]], examined=1)


@control_check(
    AT_MOST,
    "At most N controls in scope",
    "Counts the controls of the org units in scope; passes when there are at most max_controls.",
    (CheckParam("max_controls", "int", 10, "How many controls may exist", minimum=0),),
)
def controls_at_most(run: CheckRun) -> CheckOutcome:
    """Count the controls in scope against the limit."""
    rows = run.session.execute(select(Control.title, Control.org_unit_id).order_by(Control.title)).all()
    found = [[title, str(unit)] for title, unit in rows if run.in_scope(unit)]
    limit = run.params["max_controls"]
    failing = max(0, len(found) - limit)
    return CheckOutcome(failing == 0, f"{len(found)} controls in scope (at most {limit})", ["title", "unit"], found,
                        examined=len(found), failing=failing, measured=float(len(found)))  # fmt: skip


@control_check(RAISES, "Always raises", "A broken check: it raises.")
def raises(run: CheckRun) -> CheckOutcome:
    """Fail the way a bug would."""
    raise RuntimeError("boom")

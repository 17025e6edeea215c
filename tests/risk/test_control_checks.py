"""Risk's control check: open scenarios are reviewed by their review date."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from tandem.platform.checks import CheckOutcome, CheckRun, get_check
from tandem.platform.db.types import utcnow
from tandem.risk import service
from tandem.risk.schemas import ScenarioCreate, ScenarioUpdate
from tests.risk.conftest import Org

TODAY = utcnow().date()


def check(session: Session, org: Org, **params: Any) -> CheckOutcome:
    spec = get_check("risk.reviews_current")
    return spec.run(CheckRun(session, spec.resolve_params(params), frozenset({org.it}), utcnow()))


def scenario(session: Session, org: Org, title: str, review_in: int | None, status: str = "identified") -> Any:
    review = TODAY + dt.timedelta(days=review_in) if review_in is not None else None
    data = ScenarioCreate(title=title, status=status, review_date=review, org_unit_id=org.it)
    return service.create_scenario(session, None, data)


def test_open_scenarios_past_their_review_date_fail(session: Session, org: Org) -> None:
    scenario(session, org, "Ransomware on the EHR", 30)
    scenario(session, org, "Old vendor breach", -400, status="closed")  # closed: no longer reviewed
    ok = check(session, org)
    assert (ok.passed, ok.examined) == (True, 1) and ok.rows[0][3] == "review due in 30 days"
    late = scenario(session, org, "Lost backup tapes", -5)
    unscheduled = scenario(session, org, "Insider fraud", None)
    bad = check(session, org)
    assert (bad.passed, bad.examined, bad.failing) == (False, 3, 1) and bad.rows[0][0] == "Lost backup tapes"
    assert "1 without a review date" not in bad.summary
    bad = check(session, org, require_review_date="true")
    assert (bad.passed, bad.examined, bad.failing) == (False, 3, 2)
    assert {(r[0], r[3]) for r in bad.rows[:2]} == {
        ("Lost backup tapes", "review 5 days overdue"),
        ("Insider fraud", "no review date"),
    }
    for done in (late, unscheduled):
        service.update_scenario(
            session,
            None,
            done.id,
            ScenarioUpdate(review_date=TODAY + dt.timedelta(days=90)),
        )
    ok = check(session, org, require_review_date=True)
    assert ok.passed and ok.summary == "no open risk scenario is past its review date (3 open, 0 without a review date)"

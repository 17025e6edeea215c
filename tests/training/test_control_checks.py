"""Training's control checks: completion rate, policy acknowledgements, phishing click rate."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from tandem.platform.checks import CheckOutcome, CheckRun, get_check
from tandem.platform.db.types import utcnow
from tandem.training import completions, courses, phishing, policies, programs
from tandem.training.schemas import (
    AckCreate,
    CampaignCreate,
    CourseCreate,
    PolicyCreate,
    ProgramCreate,
    Rule,
    VersionCreate,
)
from tests.training.conftest import TODAY, Org

DATA = Path(__file__).parent / "data"


def check(session: Session, name: str, org: Org, now: dt.datetime | None = None, **params: Any) -> CheckOutcome:
    spec = get_check(name)
    units = frozenset({org.root, org.clinical, org.it})
    return spec.run(CheckRun(session, spec.resolve_params(params), units, now or utcnow()))


def test_completion_rate_of_current_assignments(session: Session, org: Org) -> None:
    course = courses.create_course(session, None, CourseCreate.model_validate(
        {"title": "Security Awareness", "validity_days": 365, "org_unit_id": org.root}))  # fmt: skip
    programs.create_program(session, None, ProgramCreate(
        title="Annual security training", course_ids=[course.id], audience=[Rule(kind="all")],
        org_unit_id=org.root))  # fmt: skip
    for who in ("ana", "ben", "cara"):
        completions.add_completion(session, org.people[who], course, utcnow(), 95.0, True, "test")
    bad = check(session, "training.completion_rate", org)
    assert (bad.passed, bad.measured, bad.examined, bad.failing) == (False, 0.75, 4, 1)
    assert bad.rows[0][0] == "Dev Patel" and bad.rows[0][5] == "due"  # the incomplete assignment first
    assert check(session, "training.completion_rate", org, min_rate=0.75).passed
    assert check(session, "training.completion_rate", org, program="no such program").passed is False
    completions.add_completion(session, org.people["dev"], course, utcnow(), 88.0, True, "test")
    ok = check(session, "training.completion_rate", org, program="annual")
    assert (ok.passed, ok.measured, ok.failing) == (True, 1.0, 0)


def test_policy_campaigns_past_due_need_everyone(session: Session, org: Org) -> None:
    policy = policies.create_policy(session, None, PolicyCreate(title="Acceptable Use", org_unit_id=org.root))
    policies.publish_version(session, None, policy.id, VersionCreate(summary="v1"))
    campaign = policies.launch_campaign(session, None, policy.id, CampaignCreate(due_date=TODAY))
    for who in ("ana", "cara", "dev"):
        policies.acknowledge(session, None, campaign.id, AckCreate(person_id=org.people[who].id))
    running = check(session, "training.policies_acknowledged", org)
    assert running.passed and running.rows[0][-1] == "running"  # due today: Ben still has time
    late = utcnow() + dt.timedelta(days=2)
    bad = check(session, "training.policies_acknowledged", org, late)
    assert (bad.passed, bad.failing, bad.measured) == (False, 1, 0.75)
    assert bad.rows[0][:2] == ["Acceptable Use", 1] and bad.rows[0][3:6] == [4, 3, 0.75]
    assert check(session, "training.policies_acknowledged", org, late, min_rate=0.7).passed
    policies.acknowledge(session, None, campaign.id, AckCreate(person_id=org.people["ben"].id))
    assert check(session, "training.policies_acknowledged", org, late).passed


def test_latest_phishing_campaign_click_rate(session: Session, org: Org) -> None:
    assert not check(session, "training.phishing_click_rate", org).passed  # nothing measured, nothing proven
    for name, file in (("Q1 parcel", "gophish_results.csv"), ("Q4 EHR", "gophish_timeline.json")):
        phishing.import_results(session, None, (DATA / file).read_bytes(), file, campaign=name, unit_id=org.root)
    latest = {c["name"]: c for c in phishing.overview_all(session)["campaigns"]}["Q4 EHR"]  # launched last
    out = check(session, "training.phishing_click_rate", org)
    assert (out.passed, out.measured) == (False, latest["click_rate"])  # two of three recipients clicked
    assert out.rows[0][0] == "Q4 EHR" and out.rows[0][-1] == "latest" and len(out.rows) == 2
    assert check(session, "training.phishing_click_rate", org, max_rate=0.7).passed

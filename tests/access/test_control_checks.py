"""Access governance's control checks on the small hospital: PHI reviews, orphans and leavers, privileged MFA."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy.orm import Session

from tandem.access import analyze, campaigns, service
from tandem.access.schemas import CampaignCreate, CampaignScope, DecisionIn, SystemUpdate
from tandem.platform.checks import CheckOutcome, CheckRun, get_check
from tandem.platform.db.types import utcnow
from tandem.platform.errors import InvalidInput
from tests.access.conftest import World


def check(session: Session, name: str, world: World, now: dt.datetime | None = None, **params: Any) -> CheckOutcome:
    spec = get_check(name)
    return spec.run(CheckRun(session, spec.resolve_params(params), frozenset({world.root}), now or utcnow()))


def test_systems_reaching_phi_need_a_recent_closed_review(session: Session, world: World) -> None:
    never = check(session, "access.reviews_current", world)
    assert (never.passed, never.examined, never.failing) == (False, 1, 1)  # EHR reaches the EHR database (health)
    assert never.rows[0][:4] == ["EHR", "EHR database", "never", ""]
    made = campaigns.create_campaign(session, None, CampaignCreate(
        name="Q4 PHI review", scope=CampaignScope(data_categories=["PHI"]), reviewer="manager",
        due_date=dt.date.today() + dt.timedelta(days=7), org_unit_id=world.root))  # fmt: skip
    items = [i.id for i in campaigns.items(session, None, made.id)]
    campaigns.decide(session, None, made.id, DecisionIn(item_ids=items, decision="keep", comment="still needed"))
    assert not check(session, "access.reviews_current", world).passed  # a running review proves nothing yet
    campaigns.close_campaign(session, None, made.id)
    ok = check(session, "access.reviews_current", world)
    assert ok.passed and ok.rows[0][3] == "Q4 PHI review"
    overdue = check(session, "access.reviews_current", world, utcnow() + dt.timedelta(days=100))
    assert (overdue.passed, overdue.failing) == (False, 1)
    assert check(session, "access.reviews_current", world, utcnow() + dt.timedelta(days=100), max_age_days=365).passed
    with pytest.raises(InvalidInput) as err:
        check(session, "access.reviews_current", world, category="no-such-category")
    assert err.value.errors[0].location == "params.category"


def test_leavers_count_from_their_end_date_orphans_from_detection(session: Session, world: World) -> None:
    analyze.run_analysis(session)
    now = utcnow()
    out = check(session, "access.no_orphan_or_terminated_accounts", world, now)
    problems = {(r[0], r[2]) for r in out.rows}
    assert ("frank", "terminated but enabled") in problems and ("ghost", "orphan (no identity)") in problems
    # Frank left on 2026-10-31: his enabled account is late from day 8; the orphans were only just flagged.
    late = [r for r in out.rows[: out.failing]]
    assert not out.passed and {r[0] for r in late} == {"frank"} and late[0][4] == "2026-10-31"
    later = check(session, "access.no_orphan_or_terminated_accounts", world, now + dt.timedelta(days=10))
    assert later.failing == later.examined > out.failing
    assert check(session, "access.no_orphan_or_terminated_accounts", world, now, max_age_days=3650).passed


def test_privileged_accounts_need_a_system_enforcing_mfa(session: Session, world: World) -> None:
    bad = check(session, "access.privileged_mfa", world)
    assert (bad.passed, bad.examined, bad.failing) == (False, 1, 1)
    assert bad.rows[0][:5] == ["gina", "Finance", "Gina Gold", "flagged privileged", "no"]
    fin = next(i for i, name in service.system_names(session, None).items() if name == "Finance")
    service.update_system(session, None, fin, SystemUpdate(mfa_enforced=True))
    ok = check(session, "access.privileged_mfa", world)
    assert (ok.passed, ok.failing) == (True, 0) and ok.rows[0][4] == "yes"

"""A DPIA's risks link to risk scenarios: each link validated through the reference registry, shown resolved."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.platform.auth.models import OrgUnit
from tandem.platform.auth.principal import Grant, Principal
from tandem.platform.errors import InvalidInput
from tandem.privacy import dpia, service
from tandem.privacy.schemas import ActivityCreate, DpiaCreate, DpiaUpdate
from tandem.risk import service as risk
from tandem.risk.schemas import ScenarioCreate
from tests.privacy.conftest import Org


def _user(session: Session, role: str, unit: uuid.UUID) -> Principal:
    path = session.scalar(select(OrgUnit.path).where(OrgUnit.id == unit))
    assert path is not None
    return Principal(uuid.uuid4(), f"{role}-{uuid.uuid4().hex[:6]}", (Grant(role, unit, path),))


def _scenario(session: Session, unit: uuid.UUID, title: str) -> Any:
    return risk.create_scenario(session, None, ScenarioCreate(title=title, org_unit_id=unit, likelihood=3, impact=4))


def _dpia(session: Session, org: Org, principal: Principal | None = None, **extra: Any) -> Any:
    activity = service.create_activity(
        session, None, ActivityCreate(name=f"Payroll {uuid.uuid4().hex[:5]}", org_unit_id=org.finance)
    )
    return dpia.create_dpia(
        session, principal, DpiaCreate.model_validate({"activity_id": activity.id, "title": "DPIA", **extra})
    )


def test_a_dpia_links_visible_scenarios_and_shows_them(session: Session, org: Org) -> None:
    snooping = _scenario(session, org.finance, f"Payroll snooping {uuid.uuid4().hex[:5]}")
    made = _dpia(session, org, risk_scenario_ids=[str(snooping.id), str(snooping.id)])
    assert made.risk_scenario_ids == [str(snooping.id)]
    read = dpia.read(session, None, made)
    assert [(s.label, s.url) for s in read.risk_scenarios] == [(snooping.title, f"/risk/scenarios/{snooping.id}")]
    assert "level" in read.risk_scenarios[0].detail
    assert (snooping.id.hex, snooping.title) in [(uuid.UUID(i).hex, t) for i, t in dpia.scenario_choices(session, None)]


def test_unknown_or_out_of_scope_scenarios_are_refused_with_a_located_error(session: Session, org: Org) -> None:
    mine = _scenario(session, org.finance, f"Payroll fraud {uuid.uuid4().hex[:5]}")
    theirs = _scenario(session, org.it, f"IT outage {uuid.uuid4().hex[:5]}")
    made = _dpia(session, org)
    with pytest.raises(InvalidInput) as err:
        dpia.update_dpia(session, None, made.id, DpiaUpdate(risk_scenario_ids=[mine.id, uuid.uuid4()]))
    assert [(e.location, e.reason) for e in err.value.errors] == [
        ("body.risk_scenario_ids.1", "no visible risk scenario with this id")
    ]
    analyst = _user(session, "security_analyst", org.finance)
    with pytest.raises(InvalidInput) as err:
        dpia.update_dpia(session, analyst, made.id, DpiaUpdate(risk_scenario_ids=[mine.id, theirs.id]))
    assert [e.location for e in err.value.errors] == ["body.risk_scenario_ids.1"]
    assert dpia.get_dpia(session, None, made.id).risk_scenario_ids == []
    assert [t for _, t in dpia.scenario_choices(session, analyst)].count(theirs.title) == 0


def test_a_link_the_editor_cannot_see_is_kept_and_shown_unlabelled(session: Session, org: Org) -> None:
    theirs = _scenario(session, org.it, f"IT outage {uuid.uuid4().hex[:5]}")
    mine = _scenario(session, org.finance, f"Payroll fraud {uuid.uuid4().hex[:5]}")
    made = _dpia(session, org, risk_scenario_ids=[str(theirs.id)])
    analyst = _user(session, "security_analyst", org.finance)
    dpia.update_dpia(session, analyst, made.id, DpiaUpdate(risk_scenario_ids=[theirs.id, mine.id]))
    links = dpia.scenario_links(session, analyst, made)
    assert [(s.id, s.label) for s in links] == [(str(theirs.id), ""), (str(mine.id), mine.title)]


def test_the_demo_dpia_is_linked_to_the_demo_scenarios_after_every_demo(session: Session, org: Org) -> None:
    from tandem.privacy import demo

    snooping = _scenario(session, org.finance, demo.DPIA_SCENARIOS[0])
    activity = service.create_activity(session, None, ActivityCreate(name="EHR", org_unit_id=org.finance))
    made = dpia.create_dpia(session, None, DpiaCreate(activity_id=activity.id, title=demo.DPIA_TITLE))
    demo.link_demo(session, None)
    assert str(snooping.id) in dpia.get_dpia(session, None, made.id).risk_scenario_ids

"""ASVS V8.2.3 when an application changes org unit: its costs move with it, so the move needs inventory.costs.edit
on the destination for every cost it carries (refused whole, 403, the fields and the permission named)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.platform.audit import denials
from tandem.platform.audit.models import AuditEntry
from tandem.platform.auth import service as auth
from tandem.platform.auth.fields import FieldsDenied
from tandem.platform.db.uow import unit_of_work
from tests.inventory.conftest import Org
from tests.inventory.test_cost_fields import COST, app, patch, who
from tests.inventory.test_cost_fields_http import _app
from tests.support.live import Live


@pytest.mark.asvs("V8.2.3")
def test_moving_costs_needs_costs_edit_on_the_destination(session: Session, org: Org) -> None:
    obj = app(session, org, change_cost={"amount": "10", "currency": "EUR"})
    mover = who(session, ("cio", org.it), ("security_analyst", org.finance))  # may edit both, costs only in IT
    with pytest.raises(FieldsDenied) as refused:
        patch(session, mover, obj, org_unit_id=str(org.finance))
    assert [e.location for e in refused.value.errors] == ["body.change_cost", "body.run_cost"]
    assert "inventory.costs.edit" in refused.value.message and "moving it to this org unit" in refused.value.message
    session.refresh(obj)
    assert obj.org_unit_id == org.it and obj.run_cost_minor == 12000050

    keeper = who(session, ("security_analyst", org.it), ("it_analyst", org.finance))  # costs editable there
    patch(session, keeper, obj, org_unit_id=str(org.finance))
    assert obj.org_unit_id == org.finance and obj.run_cost_minor == 12000050


def test_only_the_costs_carried_are_checked(session: Session, org: Org) -> None:
    mover = who(session, ("cio", org.it), ("security_analyst", org.finance))
    unpriced = app(session, org, run_cost=None)
    patch(session, mover, unpriced, org_unit_id=str(org.finance))  # nothing to carry: moves freely
    assert unpriced.org_unit_id == org.finance

    only_change = app(session, org, run_cost=None, change_cost=COST)
    with pytest.raises(FieldsDenied) as refused:
        patch(session, mover, only_change, org_unit_id=str(org.finance))
    assert [e.location for e in refused.value.errors] == ["body.change_cost"]

    cleared = app(session, org)  # costs cleared in the unit that allows it, then moved: nothing is carried
    patch(session, mover, cleared, org_unit_id=str(org.finance), run_cost=None)
    assert cleared.org_unit_id == org.finance and cleared.run_cost_minor is None


def test_the_server_moves_costed_applications_freely(session: Session, org: Org) -> None:
    obj = app(session, org)
    patch(session, None, obj, org_unit_id=str(org.finance))  # type: ignore[arg-type]
    assert obj.org_unit_id == org.finance and obj.run_cost_minor == 12000050


def _mixed_user(live: Live, tag: str) -> str:
    """A CIO of IT who is a security analyst in Finance: may edit records in both, costs only in IT."""
    name = live.add_user(f"mover-{tag}", "cio", "it")
    with unit_of_work(live.db) as session:
        auth.grant_role(session, None, live.users[name], "security_analyst", live.units["finance"])
    return name


@pytest.mark.asvs("V8.2.3")
def test_move_over_http_is_refused_by_name_and_audited(live: Live) -> None:
    made: dict[str, Any] = _app(live)
    url = f"/api/v1/inventory/applications/{made['id']}"
    mover = _mixed_user(live, uuid.uuid4().hex[:6])
    denials.reset()  # the refusal below must be written, not counted into an earlier one
    with live.client(mover) as client:
        refused = client.patch(url, json={"org_unit_id": str(live.units["finance"])})
        assert refused.status_code == 403, refused.text
        problem = refused.json()
        assert problem["errors"][0]["location"] == "body.run_cost"
        assert "run_cost" in problem["detail"] and "inventory.costs.edit" in problem["detail"]
        assert client.get(url).json()["org_unit_id"] == str(live.units["it"])
    with unit_of_work(live.db, readonly=True) as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.request_id == problem["request_id"])).one()
    assert entry.action == "authz.denied" and entry.changes["action"] == "inventory.costs.edit"
    assert "body.run_cost" in entry.changes["reason"] and entry.entity_id == made["id"]
    with live.client("it_analyst") as keeper:
        moved = keeper.patch(url, json={"org_unit_id": str(live.units["finance"])})
        assert moved.status_code == 200 and moved.json()["run_cost"] == made["run_cost"]

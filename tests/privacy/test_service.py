"""RoPA and DPIA rules on a real database: links checked, discovery findings, the pre-screen, the workflow."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy.orm import Session

from tandem.data.models import DataScan
from tandem.platform.auth.principal import CONSOLE
from tandem.platform.errors import Conflict, InvalidInput
from tandem.privacy import dpia, screening, service
from tandem.privacy.schemas import ActivityCreate, ActivityUpdate, DpiaCreate, DpiaUpdate, DpoOpinion, SignOff
from tests.privacy.conftest import Org, make


def _activity(session: Session, org: Org, **extra: Any) -> Any:
    data = {
        "name": f"Billing {uuid.uuid4().hex[:5]}",
        "org_unit_id": org.it,
        "purposes": ["Invoice customers"],
        "data_subjects": ["customers"],
        "data_categories": ["contact", "financial"],
        **extra,
    }
    return service.create_activity(session, None, ActivityCreate.model_validate(data))


def test_discovery_flags_categories_the_record_does_not_declare(session: Session, org: Org) -> None:
    store = make(
        session,
        "data-stores",
        name=f"Billing DB {uuid.uuid4().hex[:5]}",
        data_categories=["contact"],
        record_count=1_000,
        org_unit_id=org.it,
    )
    activity = _activity(session, org, data_store_ids=[store.id])
    assert service.findings(session, CONSOLE, activity) == []
    session.add(
        DataScan(
            name="nightly",
            data_store_id=store.id,
            source_kind="sql",
            source="sqlite://",
            status="succeeded",
            type_counts={"US_SSN": 12, "EMAIL": 900},
            org_unit_id=org.it,
        )
    )
    session.flush()
    found = service.findings(session, CONSOLE, activity)
    assert [(f["category"], f["origin"]) for f in found] == [("government-id", "discovery scan found US_SSN")]
    service.update_activity(
        session, None, activity.id, ActivityUpdate(data_categories=["contact", "financial", "government-id"])
    )
    assert service.findings(session, CONSOLE, activity) == []


def test_links_to_the_inventory_and_controls_are_checked(session: Session, org: Org) -> None:
    with pytest.raises(InvalidInput) as err:
        _activity(session, org, data_store_ids=[uuid.uuid4()], control_ids=[uuid.uuid4()])
    assert [e.location for e in err.value.errors] == ["body.data_store_ids.0", "body.control_ids.0"]


def test_prescreen_two_criteria_make_a_dpia_likely() -> None:
    one = screening.prescreen(["health"], ["customers"], 10, 1, {})
    assert one["count"] == 1 and not one["dpia_required"]
    two = screening.prescreen(["health"], ["patients"], 10, 1, {})
    assert two["count"] == 2 and two["dpia_required"]
    boundary = screening.prescreen(["contact"], ["customers"], 100_000, 1, {"evaluation": True})
    assert boundary["count"] == 2 and boundary["dpia_required"]
    below = screening.prescreen(["contact"], ["customers"], 99_999, 1, {"evaluation": True})
    assert not below["dpia_required"]
    art35 = screening.prescreen(["health"], ["customers"], 500_000, 1, {"sensitive_data": True})
    assert any("35(3)(b)" in case for case in art35["art_35_3"])
    overridden = screening.prescreen(["health"], ["patients"], 10, 1, {"sensitive_data": False})
    assert overridden["count"] == 1


def test_dpia_workflow_needs_content_then_an_opinion_then_sign_off(session: Session, org: Org) -> None:
    activity = _activity(session, org)
    made = dpia.create_dpia(
        session,
        None,
        DpiaCreate(activity_id=activity.id, title="DPIA billing", risk_refs=["risk-scenario:Card data theft"]),
    )
    with pytest.raises(InvalidInput) as err:
        dpia.update_dpia(session, None, made.id, DpiaUpdate(status="dpo_review"))
    assert {e.location for e in err.value.errors} == {
        "body.description",
        "body.necessity",
        "body.measures",
        "body.risks",
        "body.residual_risk",
    }
    with pytest.raises(Conflict):
        dpia.sign_off(session, None, made.id, SignOff(decision="signed_off"))
    dpia.update_dpia(
        session,
        None,
        made.id,
        DpiaUpdate.model_validate(
            {
                "description": "d",
                "necessity": "n",
                "measures": "m",
                "residual_risk": "high",
                "status": "dpo_review",
                "risks": [{"risk": "card theft", "likelihood": "medium", "severity": "high"}],
            }
        ),
    )
    dpia.give_opinion(session, None, made.id, DpoOpinion(dpo_name="Anne", opinion="Consult the authority."))
    signed = dpia.sign_off(session, CONSOLE, made.id, SignOff(decision="signed_off"))
    assert signed.status == "signed_off" and dpia.to_read(signed).prior_consultation
    with pytest.raises(Conflict):
        dpia.update_dpia(session, None, made.id, DpiaUpdate(measures="later"))

"""Privacy's control check: every store holding personal data is named by a processing record."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from tandem.platform.checks import CheckOutcome, CheckRun, get_check
from tandem.platform.db.types import utcnow
from tandem.privacy import service
from tandem.privacy.schemas import ActivityCreate, ActivityUpdate
from tests.privacy.conftest import Org, make


def check(session: Session, org: Org, **params: Any) -> CheckOutcome:
    spec = get_check("privacy.restricted_stores_have_processing_record")
    return spec.run(CheckRun(session, spec.resolve_params(params), frozenset({org.it}), utcnow()))


def test_restricted_stores_with_personal_data_need_a_record(session: Session, org: Org) -> None:
    ehr = make(session, "data-stores", name="EHR", data_categories=["health", "contact"], classification="restricted",
               org_unit_id=org.it)  # fmt: skip
    # Credentials are not personal data: this restricted store needs no processing record.
    make(session, "data-stores", name="Keys", data_categories=["credentials"], classification="restricted",
         org_unit_id=org.it)  # fmt: skip
    make(session, "data-stores", name="Newsletter", data_categories=["contact"], classification="internal",
         org_unit_id=org.it)  # fmt: skip
    bad = check(session, org)
    assert (bad.passed, bad.examined, bad.failing) == (False, 1, 1)
    assert bad.rows[0][:4] == ["EHR", "restricted", "health, contact", "none"]
    record = service.create_activity(session, None, ActivityCreate.model_validate({
        "name": "Patient care", "org_unit_id": org.it, "purposes": ["Treatment"], "data_subjects": ["patients"],
        "data_categories": ["health"], "data_store_ids": [str(ehr.id)]}))  # fmt: skip
    ok = check(session, org)
    assert ok.passed and ok.rows[0][3] == "Patient care"
    # Every classification: the internal newsletter list has no record either.
    assert (check(session, org, classification="").failing, check(session, org, classification="").examined) == (1, 2)
    # A deprecated record no longer counts.
    service.update_activity(session, None, record.id, ActivityUpdate(status="deprecated"))
    assert not check(session, org).passed

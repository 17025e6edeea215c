"""Northwind Health's automated control tests: attached with the compliance demo, run once every domain's demo
has added the data they examine."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from tandem.compliance.automation import repository as repo
from tandem.compliance.automation import runner
from tandem.compliance.automation import service as tests
from tandem.compliance.automation.schemas import ControlTestCreate
from tandem.compliance.demo_data import AUTOMATED_TESTS
from tandem.compliance.models import ControlTest
from tandem.compliance.records import OrgRepository
from tandem.platform.checks import get_check


def attach_tests(session: Session, org: Any) -> list[ControlTest]:
    """Attach the catalogue's checks to the controls they prove, each examining the whole organisation."""
    made = []
    for title, check_name, params, cadence in AUTOMATED_TESTS:
        (control,) = repo.controls_titled(session, title)
        try:
            get_check(check_name)
        except KeyError:
            # A domain that does not (yet) define this check: keep the test, its runs record the error.
            test = ControlTest(control_id=control.id, check_name=check_name, params=dict(params), cadence=cadence,
                               scope_unit_id=org.root.id, org_unit_id=control.org_unit_id)  # fmt: skip
            made.append(OrgRepository(session, ControlTest).add(test))
            continue
        data = ControlTestCreate(control_id=control.id, check_name=check_name, params=dict(params), cadence=cadence,
                                 scope_unit_id=org.root.id)  # fmt: skip
        made.append(tests.create_test(session, None, data))
    return made


def run_demo_tests(session: Session, org: Any) -> None:
    """Run every demo test once, over the data all the domains' demos have added."""
    runner.run_tests(session, repo.tests_in(session, None, enabled_only=True), "demo")

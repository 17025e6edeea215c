"""Controls, coverage paths, assessments with pre-fill and workflow rules, gaps → POA&M, validated exports."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy.orm import Session

from tandem.compliance.assessments import exports
from tandem.compliance.assessments import service as assessments
from tandem.compliance.controls import coverage as cov
from tandem.compliance.controls import service as controls
from tandem.compliance.frameworks import service as frameworks
from tandem.compliance.oscal import validate_document
from tandem.compliance.schemas import AssessmentCreate, AssessmentUpdate, ControlCreate, ResultUpdate
from tandem.platform.auth.principal import CONSOLE
from tandem.platform.errors import Conflict, InvalidInput
from tests.compliance.conftest import Org


def _req(session: Session, fw: uuid.UUID, ref: str) -> uuid.UUID:
    return frameworks.get_requirement(session, CONSOLE, fw, ref).id


def test_coverage_path_through_mappings(session: Session, library: dict[str, uuid.UUID], org: Org) -> None:
    ia2 = _req(session, library["nist-sp800-53"], "ia-2")
    controls.create_control(session, CONSOLE, ControlCreate(title="SSO with MFA", status="implemented",
                            org_unit_id=org.it, requirement_ids=[ia2]))  # fmt: skip
    entries = {e["ref"]: e for e in cov.coverage(session, CONSOLE, library["nist-csf"])}
    assert entries["PR.AA-01"]["state"] == "partial"
    assert any("800-53 Rev. 5 IA-2" in p and "control 'SSO with MFA'" in p for p in entries["PR.AA-01"]["paths"])
    moderate = {e["ref"]: e for e in cov.coverage(session, CONSOLE, library["nist-sp800-53-moderate"])}
    assert moderate["ia-2"]["state"] == "covered"  # a baseline node is its catalog node
    chart = cov.chart(session, library["nist-csf"], list(entries.values()))
    assert chart["data"][0]["type"] == "bar"


def test_bad_control_input_is_located(session: Session, library: dict[str, uuid.UUID], org: Org) -> None:
    with pytest.raises(InvalidInput) as err:
        controls.create_control(
            session, CONSOLE, ControlCreate(title="x", org_unit_id=org.it, requirement_ids=[uuid.uuid4()])
        )
    assert err.value.errors[0].location == "body.requirement_ids.0"


def test_assessment_workflow_prefill_and_exports(session: Session, library: dict[str, uuid.UUID], org: Org) -> None:
    moderate = assessments.create_assessment(session, CONSOLE, AssessmentCreate(
        title="MOD", framework_id=library["nist-sp800-53-moderate"], org_unit_id=org.it))  # fmt: skip
    assert assessments.progress(session, CONSOLE, moderate.id)["total"] == 287
    for ref, value in (("ia-2", "satisfied"), ("ac-2", "not-satisfied"), ("ac-3", "partially")):
        assessments.set_result(session, CONSOLE, moderate.id, ref, ResultUpdate(result=value, maturity=3), "tester")
    with pytest.raises(Conflict):
        assessments.confirm_prefill(session, CONSOLE, moderate.id, "ia-2", "tester")
    with pytest.raises(Conflict):
        assessments.update_assessment(session, CONSOLE, moderate.id, AssessmentUpdate(status="complete"))
    csf = assessments.create_assessment(session, CONSOLE, AssessmentCreate(
        title="CSF", framework_id=library["nist-csf"], org_unit_id=org.it, prefill_from_id=moderate.id))  # fmt: skip
    results = {r["ref"]: r for r in assessments.results(session, CONSOLE, csf.id)}
    assert results["PR.AA-01"]["result"] == "partially"
    assert results["PR.AA-01"]["prefilled_from"].startswith("pre-filled from MOD via nist-sp800-53 ")
    confirmed = assessments.confirm_prefill(session, CONSOLE, csf.id, "PR.AA-01", "tester")
    assert confirmed.prefilled_from is None
    items = assessments.gaps_to_poam(session, CONSOLE, moderate.id, dt.date(2027, 1, 31))
    assert {i.weakness.split()[0] for i in items} == {"AC-2", "AC-3"}
    assert assessments.gaps_to_poam(session, CONSOLE, moderate.id, dt.date(2027, 1, 31)) == []
    for doc in (exports.assessment_results(session, CONSOLE, moderate.id), exports.poam(session, CONSOLE, moderate.id),
                exports.component_definition(session, CONSOLE, library["nist-sp800-53-moderate"])):  # fmt: skip
        assert validate_document(doc) == [], doc
    csv_text = exports.gap_csv(session, CONSOLE, moderate.id)
    assert csv_text.splitlines()[0].startswith("requirement,title,result")
    assert exports.gap_xlsx(session, CONSOLE, moderate.id)[:2] == b"PK"


def test_gap_csv_escapes_formulas(session: Session, library: dict[str, uuid.UUID], org: Org) -> None:
    a = assessments.create_assessment(session, CONSOLE, AssessmentCreate(
        title="HIPAA", framework_id=library["hipaa-security-rule"], org_unit_id=org.it))  # fmt: skip
    assessments.set_result(session, CONSOLE, a.id, "164.312(d)",
                           ResultUpdate(result="not-satisfied", rationale="=HYPERLINK(\"x\")"), "t")  # fmt: skip
    assert "'=HYPERLINK" in exports.gap_csv(session, CONSOLE, a.id)
    with pytest.raises(InvalidInput):
        assessments.set_result(
            session, CONSOLE, a.id, "164.312(b)", ResultUpdate(result="not-applicable", maturity=2), "t"
        )

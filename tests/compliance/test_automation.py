"""Automated control tests: validation, runs with evidence snapshots, errors that never crash a run, scope,
the job, roll-up into coverage and assessments, and drift."""

from __future__ import annotations

import hashlib
import uuid

import orjson
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.compliance.assessments import service as assessments
from tandem.compliance.automation import rollup, runner
from tandem.compliance.automation import service as tests_service
from tandem.compliance.automation.schemas import ControlTestCreate, ControlTestUpdate
from tandem.compliance.controls import coverage as cov
from tandem.compliance.controls import service as controls
from tandem.compliance.evidence import service as evidence
from tandem.compliance.frameworks import service as frameworks
from tandem.compliance.models import Control, ControlTest
from tandem.compliance.schemas import AssessmentCreate, ControlCreate
from tandem.platform.audit.models import AuditEntry
from tandem.platform.auth.principal import CONSOLE
from tandem.platform.errors import Conflict, InvalidInput, NotFound
from tests.compliance.automation_checks import AT_MOST, PASSES, RAISES
from tests.compliance.conftest import Org


def _control(
    session: Session, unit: uuid.UUID, title: str = "Asset owners", reqs: list[uuid.UUID] | None = None
) -> Control:
    data = ControlCreate(title=title, status="implemented", org_unit_id=unit, requirement_ids=reqs or [])
    return controls.create_control(session, CONSOLE, data)


def _test(session: Session, control: Control, check: str, **kw: object) -> ControlTest:
    return tests_service.create_test(session, CONSOLE, ControlTestCreate(control_id=control.id, check_name=check, **kw))


def test_bad_check_params_and_cadence_are_located(session: Session, org: Org) -> None:
    control = _control(session, org.it)
    with pytest.raises(InvalidInput) as err:
        _test(session, control, "compliance.no_such_check")
    assert err.value.errors[0].location == "body.check_name"
    assert "no control check named 'compliance.no_such_check'" in err.value.errors[0].reason
    with pytest.raises(InvalidInput) as err:
        _test(session, control, AT_MOST, params={"max_controls": "many"})
    assert err.value.errors[0].location == "body.params.max_controls"
    with pytest.raises(InvalidInput) as err:
        _test(session, control, AT_MOST, params={"colour": 1})
    assert err.value.errors[0].location == "body.params.colour"
    with pytest.raises(ValueError, match="12h"):
        ControlTestCreate(control_id=control.id, check_name=PASSES, cadence="fortnightly")
    with pytest.raises(InvalidInput) as err:
        tests_service.create_test(session, CONSOLE, ControlTestCreate(control_id=uuid.uuid4(), check_name=PASSES))
    assert err.value.errors[0].location == "body.control_id"
    test = _test(session, control, AT_MOST, cadence="12h")
    assert test.params == {"max_controls": 10}  # defaults applied and stored


def test_run_records_result_snapshot_hash_and_automated_evidence(session: Session, org: Org) -> None:
    control = _control(session, org.it)
    _control(session, org.it, "Second IT control")
    _control(session, org.finance, "Finance control (out of scope)")
    test = _test(session, control, AT_MOST, params={"max_controls": 1})
    result = runner.run_test(session, test, trigger="on-demand")
    assert result.status == "fail" and result.examined == 2 and result.failing == 1 and result.measured == 2.0
    assert result.params == {"max_controls": 1}
    body = orjson.loads(result.snapshot)
    assert body["columns"] == ["title", "unit"]
    assert sorted(r[0] for r in body["rows"]) == ["Asset owners", "Second IT control"]  # the IT subtree only
    assert hashlib.sha256(result.snapshot.encode()).hexdigest() == result.sha256
    assert result.snapshot == orjson.dumps(body, option=orjson.OPT_SORT_KEYS).decode()  # canonical
    assert result.evidence_id is not None
    record, data = evidence.file_of(session, CONSOLE, result.evidence_id)
    assert record.kind == "automated" and record.control_id == control.id and record.sha256 == result.sha256
    assert data == result.snapshot.encode() and record.valid_until is not None
    with pytest.raises(Conflict):  # written by the test, not editable
        evidence.delete_evidence(session, CONSOLE, record.id)
    tests_service.delete_test(session, CONSOLE, test.id)
    with pytest.raises(NotFound):  # its results and their evidence went with it
        evidence.get_evidence(session, CONSOLE, record.id)
    assert test.last_status == "fail" and test.last_run_at == result.ran_at
    audited = session.scalars(select(AuditEntry).where(AuditEntry.entity_id == str(result.id))).all()
    assert audited and audited[0].changes["sha256"][1] == result.sha256
    # The audit log records the snapshot's digest (the same SHA-256 the result keeps), not the 500 rows.
    assert audited[0].changes["snapshot"][1] == f"sha256:{result.sha256}"


def test_unknown_and_broken_checks_give_error_results_not_crashes(session: Session, org: Org) -> None:
    control = _control(session, org.it)
    broken = _test(session, control, RAISES)
    gone = _test(session, control, PASSES)
    gone.check_name = "compliance.was_removed"  # a check that is no longer registered
    ok = _test(session, control, PASSES)
    counts = runner.run_tests(session, [broken, gone, ok], "on-demand")
    assert counts == {"pass": 1, "fail": 0, "error": 2}
    assert [t.id for t in tests_service.tests_of(session, CONSOLE, control.id)] == [broken.id, gone.id, ok.id]
    assert broken.last_status == "error" and gone.last_status == "error" and ok.last_status == "pass"
    latest = rollup.control_results(session, [control.id])[control.id]
    summaries = {r["check_name"]: r["summary"] for r in latest}
    assert summaries[RAISES] == "the check failed: RuntimeError: boom"
    assert summaries["compliance.was_removed"] == "no control check named 'compliance.was_removed' is registered"


def test_due_tests_and_the_job(session: Session, org: Org) -> None:
    control = _control(session, org.it)
    daily = _test(session, control, PASSES, cadence="daily")
    disabled = _test(session, control, PASSES, enabled=False)
    tests, trigger = runner.select_tests(session, {})
    ids = {t.id for t in tests}
    assert daily.id in ids and disabled.id not in ids and trigger == "scheduled"
    runner.run_test(session, daily)
    assert daily.id not in {t.id for t in runner.select_tests(session, {})[0]}  # ran: not due for a day
    job = runner.request_run(session, CONSOLE, control_id=control.id)
    assert job.name == "compliance.run_control_tests" and job.args == {"control_id": str(control.id)}
    tests, trigger = runner.select_tests(session, job.args)
    assert [t.id for t in tests] == [daily.id] and trigger == "on-demand"
    with pytest.raises(NotFound):
        runner.request_run(session, CONSOLE, control_id=uuid.uuid4())


def test_rollup_coverage_split_assessment_label_and_drift(
    session: Session, library: dict[str, uuid.UUID], org: Org
) -> None:
    ia2 = frameworks.get_requirement(session, CONSOLE, library["nist-sp800-53"], "ia-2").id
    control = _control(session, org.it, "SSO with MFA", [ia2])
    test = _test(session, control, AT_MOST, params={"max_controls": 10})
    runner.run_test(session, test)
    entries = {e["ref"]: e for e in cov.coverage(session, CONSOLE, library["nist-sp800-53-moderate"])}
    assert entries["ia-2"]["evidence"] == "automated-proven"
    csf = {e["ref"]: e for e in cov.coverage(session, CONSOLE, library["nist-csf"])}
    assert csf["PR.AA-01"]["evidence"] == "automated-proven"  # through the crosswalk mapping
    assert rollup.split(list(entries.values()))["automated-proven"] >= 1
    tests_service.update_test(session, CONSOLE, test.id, ControlTestUpdate(params={"max_controls": 0}))
    failed = runner.run_test(session, test)
    entries = {e["ref"]: e for e in cov.coverage(session, CONSOLE, library["nist-sp800-53-moderate"])}
    assert entries["ia-2"]["evidence"] == "failing"
    assert any(p.startswith("failing — automated") for p in entries["ia-2"]["paths"])
    assessment = assessments.create_assessment(session, CONSOLE, AssessmentCreate(
        title="MOD", framework_id=library["nist-sp800-53-moderate"], org_unit_id=org.it))  # fmt: skip
    rows = {r["ref"]: r for r in assessments.results(session, CONSOLE, assessment.id)}
    assert rows["ia-2"]["automated"] == "failing — automated" and rows["ia-2"]["result"] == "not-assessed"
    proof = assessments.result_evidence(session, CONSOLE, assessment.id, rows["ia-2"]["id"])
    assert [e.id for e in proof] == [failed.evidence_id]
    drift = rollup.drift(session, CONSOLE)
    mine = [d for d in drift if d["test_id"] == test.id]
    assert mine and mine[0]["failing_since"] == failed.ran_at and mine[0]["control"] == "SSO with MFA"

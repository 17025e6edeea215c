"""Network audit checklists over a real database: the shipped template, scheduling, results with evidence, and a
failed item raising a network finding that a later pass fixes and a later fail reopens as regressed."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy.orm import Session

from tandem.inventory import service as inventory
from tandem.inventory.kinds import KINDS
from tandem.monitoring import audits, issues_repository
from tandem.monitoring.schemas import AuditCreate, AuditResultIn, ChecklistCreate
from tandem.platform.auth import service as auth
from tandem.platform.auth.permissions import unit_path
from tandem.platform.auth.principal import CONSOLE, Grant, Principal
from tandem.platform.errors import Conflict, InvalidInput, PermissionDenied


@pytest.fixture
def unit(session: Session) -> uuid.UUID:
    root = auth.root_unit(session) or auth.create_unit(session, None, f"Org {uuid.uuid4().hex[:6]}", None)
    return auth.create_unit(session, None, f"Net-{uuid.uuid4().hex[:6]}", root.id).id


def test_template_audit_results_and_findings(session: Session, unit: uuid.UUID) -> None:
    checklist = audits.install_template(session, CONSOLE, unit)
    assert audits.install_template(session, CONSOLE, unit).id == checklist.id  # idempotent
    keys = [i["key"] for i in checklist.items]
    assert {"firewall-rules", "admin-interfaces", "backups-tested", "logging-enabled"} <= set(keys)
    asset = inventory.create_record(
        session,
        CONSOLE,
        KINDS["assets"],
        KINDS["assets"].create.model_validate({"hostname": f"fw-{uuid.uuid4().hex[:6]}", "org_unit_id": unit}),
    )
    due = dt.date.today() + dt.timedelta(days=14)
    audit = audits.create_audit(
        session, CONSOLE, AuditCreate(checklist_id=checklist.id, org_unit_id=unit, asset_ids=[asset.id], due_on=due)
    )
    assert audit.status == "planned" and audit.asset_ids == [str(asset.id)]
    with pytest.raises(InvalidInput) as err:
        audits.record_result(session, CONSOLE, audit.id, AuditResultIn(item_key="nope", result="pass"))
    assert err.value.errors[0].location == "body.item_key"
    with pytest.raises(InvalidInput):
        audits.record_result(session, CONSOLE, audit.id, AuditResultIn(item_key=keys[0], result="fail"))  # no note
    with pytest.raises(InvalidInput):
        audits.record_result(
            session,
            CONSOLE,
            audit.id,
            AuditResultIn(item_key=keys[0], result="pass", evidence_link="javascript:alert(1)"),
        )
    evidence = (b"rule review 2026-11\n", "review.txt")
    row = audits.record_result(
        session,
        CONSOLE,
        audit.id,
        AuditResultIn(item_key="admin-interfaces", result="fail", note="RDP open to the internet"),
        evidence,
    )
    assert row.evidence_id is not None and audit.status == "in_progress"
    key = audits.audit_key(audit, "admin-interfaces")
    issue = issues_repository.by_keys(session, unit, [key])[key]
    assert (issue.status, issue.source, issue.asset_id, issue.rule) == (
        "open",
        "audit",
        asset.id,
        "audit:admin-interfaces",
    )
    # The next audit of the same scope passes the item: the finding is fixed; a later fail reopens it, regressed.
    second = audits.create_audit(
        session, CONSOLE, AuditCreate(checklist_id=checklist.id, org_unit_id=unit, asset_ids=[asset.id])
    )
    audits.record_result(
        session,
        CONSOLE,
        second.id,
        AuditResultIn(item_key="admin-interfaces", result="pass", evidence_link="https://wiki.example/fw-2026"),
    )
    assert issue.status == "fixed"
    audits.record_result(
        session, CONSOLE, second.id, AuditResultIn(item_key="admin-interfaces", result="fail", note="VNC exposed")
    )
    assert (issue.status, issue.regressed, issue.occurrences) == ("open", True, 2)
    for k in keys:
        audits.record_result(session, CONSOLE, second.id, AuditResultIn(item_key=k, result="n/a"))
    assert second.status == "completed"


def test_checklist_validation_and_permissions(session: Session, unit: uuid.UUID) -> None:
    item = {"key": "one", "text": "One"}
    with pytest.raises(InvalidInput):
        audits.create_checklist(
            session,
            CONSOLE,
            ChecklistCreate.model_validate({"name": "dup", "items": [item, item], "org_unit_id": unit}),
        )
    made = audits.create_checklist(
        session, CONSOLE, ChecklistCreate.model_validate({"name": "mine", "items": [item], "org_unit_id": unit})
    )
    with pytest.raises(Conflict):
        audits.create_checklist(
            session, CONSOLE, ChecklistCreate.model_validate({"name": "mine", "items": [item], "org_unit_id": unit})
        )
    with pytest.raises(InvalidInput) as err:
        audits.create_audit(session, CONSOLE, AuditCreate(checklist_id=made.id, assignee="no-such-user-x"))
    assert err.value.errors[0].location == "body.assignee"
    viewer = Principal(CONSOLE.user_id, "v", (Grant("viewer", unit, unit_path(session, unit) or ""),))
    with pytest.raises(PermissionDenied):
        audits.create_audit(session, viewer, AuditCreate(checklist_id=made.id, org_unit_id=unit))

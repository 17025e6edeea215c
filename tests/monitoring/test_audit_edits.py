"""Editing audits (title, scope until results exist, assignee, due date, status), cancelling and deleting them,
and own checklists: copy the shipped template, reword, add, remove and reorder items, with the rules that keep
recorded results linked."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.inventory import service as inventory
from tandem.inventory.kinds import KINDS
from tandem.monitoring import audits, checklists
from tandem.monitoring.audit_models import NetworkAudit
from tandem.monitoring.schemas import AuditCreate, AuditResultIn, AuditUpdate, ChecklistCopy, ChecklistUpdate
from tandem.platform.audit.models import AuditEntry
from tandem.platform.auth import service as auth
from tandem.platform.auth.permissions import unit_path
from tandem.platform.auth.principal import CONSOLE, Grant, Principal
from tandem.platform.errors import Conflict, InvalidInput, NotFound, PermissionDenied


@pytest.fixture
def unit(session: Session) -> uuid.UUID:
    root = auth.root_unit(session) or auth.create_unit(session, None, f"Org {uuid.uuid4().hex[:6]}", None)
    return auth.create_unit(session, None, f"Net-{uuid.uuid4().hex[:6]}", root.id).id


def _asset(session: Session, unit: uuid.UUID) -> uuid.UUID:
    data = KINDS["assets"].create.model_validate({"hostname": f"sw-{uuid.uuid4().hex[:6]}", "org_unit_id": unit})
    return inventory.create_record(session, CONSOLE, KINDS["assets"], data).id


def _audit(session: Session, unit: uuid.UUID) -> NetworkAudit:
    checklist = audits.install_template(session, CONSOLE, unit)
    return audits.create_audit(session, CONSOLE, AuditCreate(checklist_id=checklist.id, org_unit_id=unit))


def test_edit_an_audit_and_the_changes_are_audited(session: Session, unit: uuid.UUID) -> None:
    audit, asset = _audit(session, unit), _asset(session, unit)
    user, _ = auth.create_user(session, None, f"auditor-{uuid.uuid4().hex[:6]}", password="x" * 20)
    due = dt.date.today() + dt.timedelta(days=30)
    data = AuditUpdate(title="Q1 network audit", asset_ids=[asset], assignee=user.username, due_on=due)
    audits.update_audit(session, CONSOLE, audit.id, data)
    assert (audit.title, audit.asset_ids, audit.assignee_id, audit.due_on) == (
        "Q1 network audit", [str(asset)], user.id, due)  # fmt: skip
    audits.update_audit(session, CONSOLE, audit.id, AuditUpdate.model_validate({"assignee": "", "due_on": None}))
    assert (audit.assignee_id, audit.due_on, audit.title) == (None, None, "Q1 network audit")  # others untouched
    session.flush()
    entries = session.scalars(select(AuditEntry).where(AuditEntry.entity_id == str(audit.id))).all()
    assert any(e.action == "update" and "title" in e.changes for e in entries)
    for bad, where in (({"asset_ids": [str(uuid.uuid4())]}, "body.asset_ids.0"), ({"assignee": "nobody-zz"},
                       "body.assignee"), ({"status": "completed"}, "body.status")):  # fmt: skip
        with pytest.raises(InvalidInput) as err:
            audits.update_audit(session, CONSOLE, audit.id, AuditUpdate.model_validate(bad))
        assert err.value.errors[0].location == where


def test_scope_is_fixed_once_results_exist_and_cancel_keeps_them(session: Session, unit: uuid.UUID) -> None:
    audit = _audit(session, unit)
    audits.record_result(session, CONSOLE, audit.id, AuditResultIn(item_key="segmentation", result="pass"))
    with pytest.raises(InvalidInput) as err:
        audits.update_audit(session, CONSOLE, audit.id, AuditUpdate(asset_ids=[_asset(session, unit)]))
    assert err.value.errors[0].location == "body.asset_ids"
    with pytest.raises(Conflict):
        audits.delete_audit(session, CONSOLE, audit.id)
    audits.update_audit(session, CONSOLE, audit.id, AuditUpdate(status="cancelled"))
    assert audit.status == "cancelled" and len(audits.audit_results(session, CONSOLE, audit.id)) == 1
    with pytest.raises(Conflict):
        audits.record_result(session, CONSOLE, audit.id, AuditResultIn(item_key="backups-tested", result="pass"))
    audits.update_audit(session, CONSOLE, audit.id, AuditUpdate(status="planned"))
    audits.record_result(session, CONSOLE, audit.id, AuditResultIn(item_key="backups-tested", result="pass"))
    assert audit.status == "in_progress"


def test_delete_an_audit_without_results_and_permissions(session: Session, unit: uuid.UUID) -> None:
    audit = _audit(session, unit)
    viewer = Principal(CONSOLE.user_id, "v", (Grant("viewer", unit, unit_path(session, unit) or ""),))
    with pytest.raises(PermissionDenied):
        audits.update_audit(session, viewer, audit.id, AuditUpdate(title="mine now"))
    with pytest.raises(PermissionDenied):
        audits.delete_audit(session, viewer, audit.id)
    root = auth.root_unit(session)
    assert root is not None
    other = auth.create_unit(session, None, f"Other-{uuid.uuid4().hex[:6]}", root.id).id
    outsider = Principal(CONSOLE.user_id, "o", (Grant("admin", other, unit_path(session, other) or ""),))
    with pytest.raises(NotFound):
        audits.update_audit(session, outsider, audit.id, AuditUpdate(title="x"))
    audits.delete_audit(session, CONSOLE, audit.id)
    with pytest.raises(NotFound):
        audits.get_audit(session, CONSOLE, audit.id)


def test_own_checklist_from_the_template(session: Session, unit: uuid.UUID) -> None:
    template = audits.install_template(session, CONSOLE, unit)
    mine = checklists.copy_checklist(session, CONSOLE, template.id, ChecklistCopy(name="Branch office audit"))
    assert mine.id != template.id and mine.items == template.items and mine.org_unit_id == unit
    with pytest.raises(Conflict):
        checklists.copy_checklist(session, CONSOLE, template.id, ChecklistCopy(name="Branch office audit"))
    text = checklists.format_items(mine.items)
    lines = text.splitlines()
    edited = "\n".join([lines[1], lines[0], *lines[3:], "Guest Wi-Fi isolated | Guests reach the internet only"])
    items = checklists.parse_items(edited)
    checklists.update_checklist(session, CONSOLE, mine.id, ChecklistUpdate(items=items, name="Branch audit"))
    keys = [i["key"] for i in mine.items]
    assert keys[:2] == [template.items[1]["key"], template.items[0]["key"]]  # reordered
    assert template.items[2]["key"] not in keys  # removed
    assert mine.items[-1] == {"key": "guest-wi-fi-isolated", "text": "Guest Wi-Fi isolated",
                              "guidance": "Guests reach the internet only"}  # fmt: skip
    assert template.items[2]["key"] in [i["key"] for i in template.items]  # the template is untouched
    audit = audits.create_audit(session, CONSOLE, AuditCreate(checklist_id=mine.id, org_unit_id=unit))
    audits.record_result(session, CONSOLE, audit.id, AuditResultIn(item_key=keys[0], result="pass"))
    with pytest.raises(InvalidInput) as err:
        checklists.update_checklist(session, CONSOLE, mine.id, ChecklistUpdate(items=checklists.parse_items(lines[5])))
    assert "has results in audit" in err.value.errors[0].reason
    with pytest.raises(Conflict):
        checklists.delete_checklist(session, CONSOLE, mine.id)


def test_item_lines_are_parsed_with_located_errors() -> None:
    items = checklists.parse_items("vpn-mfa | VPN uses MFA | all users\n\nDNS logging on")
    assert [(i.key, i.text, i.guidance) for i in items] == [
        ("vpn-mfa", "VPN uses MFA", "all users"), ("dns-logging-on", "DNS logging on", "")]  # fmt: skip
    with pytest.raises(InvalidInput) as err:
        checklists.parse_items("ok | Fine\n-bad | Text | g\nok | Again")
    assert [(e.location, e.reason.split(":")[0]) for e in err.value.errors] == [
        ("form.items.1.key", "line 2"), ("form.items.2.key", "line 3")]  # fmt: skip
    with pytest.raises(InvalidInput):
        checklists.parse_items("  \n")

"""ASVS V8.2.3: field-level access. Fields a role may not read are absent from what it reads; writes of fields it
may not change are refused (403, the field named) and recorded like every other refusal."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from tandem.platform.audit import denials
from tandem.platform.audit.models import AuditEntry
from tandem.platform.auth.fields import rules_for
from tandem.platform.auth.roles import get_action
from tandem.platform.db.uow import unit_of_work
from tests.support.live import Live

BASE = "/api/v1/inventory/applications"


@pytest.mark.asvs("V8.2.3")
def test_application_costs_are_declared_restricted_fields() -> None:
    rules = {r.name: r for r in rules_for("inventory.application")}
    assert set(rules) == {"run_cost", "change_cost"}
    for rule in rules.values():
        assert "viewer" not in get_action(rule.read).roles and "security_analyst" in get_action(rule.read).roles
        assert get_action(rule.write).roles == {"admin", "cio", "it_analyst"}


@pytest.mark.asvs("V8.2.3")
def test_hidden_fields_are_absent_and_refused_writes_are_audited(live: Live) -> None:
    with live.client("admin") as admin:
        made = admin.post(
            BASE,
            json={
                "name": f"Payroll-{uuid.uuid4().hex[:8]}",
                "org_unit_id": str(live.units["finance"]),
                "run_cost": {"amount": "31337", "currency": "USD"},
            },
        )
    assert made.status_code == 201, made.text
    url = f"{BASE}/{made.json()['id']}"
    with live.client("finance-viewer") as viewer:
        seen = viewer.get(url).json()
    assert seen["name"] == made.json()["name"] and "run_cost" not in seen and "31337" not in str(seen)

    denials.reset()  # the refusal below must be written, not counted into an earlier one
    with live.client("security_analyst") as analyst:
        refused = analyst.patch(url, json={"run_cost": {"amount": "1", "currency": "USD"}})
    assert refused.status_code == 403 and "run_cost" in refused.json()["detail"]
    with unit_of_work(live.db, readonly=True) as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.request_id == refused.json()["request_id"])).one()
    assert entry.action == "authz.denied"
    assert entry.changes["action"] == "inventory.costs.edit" and entry.changes["status"] == 403
    assert "run_cost" in entry.changes["reason"] and entry.entity_id == made.json()["id"]

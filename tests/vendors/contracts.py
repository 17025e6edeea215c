"""The vendors resources in the generic contract suite (tests/contracts)."""

from __future__ import annotations

import uuid
from typing import Any

from tests.contracts.registry import ResourceContract
from tests.support.live import Live

EDITORS = frozenset({"admin", "cio", "it_analyst", "ciso", "security_analyst"})
ASSESSORS = frozenset({"admin", "cio", "ciso", "security_analyst"})
BASE = "/api/v1/vendors"


def _vendor(live: Live, unit: str) -> str:
    with live.client("admin") as client:
        response = client.post("/api/v1/inventory/vendors", json={"name": f"Vendor {uuid.uuid4().hex[:8]}",
                                                                  "org_unit_id": str(live.units[unit])})  # fmt: skip
        assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _contract(live: Live, unit: str) -> dict[str, Any]:
    return {"vendor_id": _vendor(live, unit), "title": "Support and licences", "start_date": "2026-01-01",
            "end_date": "2027-12-31", "notice_days": 90, "auto_renew": True,
            "yearly_value": {"amount": "120000.00", "currency": "EUR"}, "status": "draft",
            "org_unit_id": str(live.units[unit])}  # fmt: skip


def _agreement(live: Live, unit: str) -> dict[str, Any]:
    return {"vendor_id": _vendor(live, unit), "kind": "dpa", "signed_on": "2026-02-01",
            "org_unit_id": str(live.units[unit])}  # fmt: skip


def _finding(live: Live, unit: str) -> dict[str, Any]:
    return {"vendor_id": _vendor(live, unit), "title": "No MFA for support staff", "severity": "high",
            "due_date": "2027-03-01", "org_unit_id": str(live.units[unit])}  # fmt: skip


CONTRACTS: list[ResourceContract] = [
    ResourceContract(
        name="vendors-contracts",
        path=f"{BASE}/contracts",
        entity_type="vendors_contracts",
        create=_contract,
        update={"status": "signed", "notice_days": 60},
        invalid=(
            {"vendor_id": str(uuid.uuid4()), "title": "x", "notice_days": 9999, "org_unit_id": str(uuid.uuid4())},
            "notice_days",
        ),
        edit_roles=EDITORS,
    ),
    ResourceContract(
        name="vendors-agreements",
        path=f"{BASE}/agreements",
        entity_type="vendors_agreements",
        create=_agreement,
        update={"status": "terminated", "reference": "DPA v2"},
        invalid=({"vendor_id": str(uuid.uuid4()), "kind": "handshake", "org_unit_id": str(uuid.uuid4())}, "kind"),
        edit_roles=EDITORS,
    ),
    ResourceContract(
        name="vendors-findings",
        path=f"{BASE}/findings",
        entity_type="vendors_findings",
        create=_finding,
        update={"status": "in-progress", "severity": "medium"},
        invalid=(
            {"vendor_id": str(uuid.uuid4()), "title": "x", "severity": "apocalyptic", "org_unit_id": str(uuid.uuid4())},
            "severity",
        ),
        edit_roles=ASSESSORS,
    ),
]

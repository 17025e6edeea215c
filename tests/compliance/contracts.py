"""The compliance resources in the generic contract suite (tests/contracts)."""

from __future__ import annotations

import uuid
from typing import Any

from tests.compliance.automation_checks import PASSES
from tests.contracts.registry import ResourceContract
from tests.support.live import Live

EDITORS = frozenset({"admin", "ciso", "security_analyst"})
BASE = "/api/v1/compliance"
_frameworks: dict[str, str] = {}


def _unit(live: Live, unit: str) -> dict[str, str]:
    return {"org_unit_id": str(live.units[unit])}


def _framework(live: Live) -> str:
    """Import a tiny framework once per live server (the library is shared by every unit)."""
    if live.base_url not in _frameworks:
        body = b"id,parent_id,title,kind\nG,,Group,group\nR.1,G,One,requirement\nR.2,G,Two,requirement\n"
        with live.client("admin") as client:
            response = client.post(
                f"{BASE}/frameworks/imports",
                params={"format": "simple", "key": "contract-fw", "version": "1", "file_name": "fw.csv"},
                content=body,
            )
            assert response.status_code == 201, response.text
        _frameworks[live.base_url] = response.json()["id"]
    return _frameworks[live.base_url]


def _assessment(live: Live, unit: str) -> dict[str, Any]:
    return {"title": f"Audit {uuid.uuid4().hex[:6]}", "framework_id": _framework(live), **_unit(live, unit)}


def _control_test(live: Live, unit: str) -> dict[str, Any]:
    """Create a control in the unit (as admin), and return a test of it that runs the suite's own check."""
    with live.client("admin") as client:
        body = {"title": f"Owners {uuid.uuid4().hex[:6]}", **_unit(live, unit)}
        response = client.post(f"{BASE}/controls", json=body)
        assert response.status_code == 201, response.text
    return {"control_id": response.json()["id"], "check_name": PASSES, "cadence": "daily"}


def _contract(
    name: str,
    table: str,
    create: Any,
    update: dict[str, Any],
    invalid: tuple[dict[str, Any], str],
    edit_roles: frozenset[str] = EDITORS,
) -> ResourceContract:
    return ResourceContract(
        name=f"compliance-{name}",
        path=f"{BASE}/{name}",
        entity_type=table,
        create=create,
        update=update,
        invalid=invalid,
        edit_roles=edit_roles,
    )


CONTRACTS: list[ResourceContract] = [
    _contract(
        "controls",
        "compliance_controls",
        lambda live, unit: {"title": f"MFA {uuid.uuid4().hex[:6]}", "status": "implemented", **_unit(live, unit)},
        {"status": "in-progress", "frequency": "monthly"},
        ({"title": "x", "status": "done", "org_unit_id": str(uuid.uuid4())}, "status"),
    ),
    _contract(
        "assessments",
        "compliance_assessments",
        _assessment,
        {"scope": "Clinical systems"},
        ({"title": "", "framework_id": str(uuid.uuid4()), "org_unit_id": str(uuid.uuid4())}, "title"),
    ),
    _contract(
        "poam-items",
        "compliance_poam_items",
        lambda live, unit: {
            "weakness": "No MFA on VPN",
            "milestone": "Roll out MFA",
            "due_date": "2027-03-31",
            **_unit(live, unit),
        },
        {"status": "in-progress"},
        ({"weakness": "x", "status": "forgotten", "org_unit_id": str(uuid.uuid4())}, "status"),
    ),
    _contract(
        "evidence",
        "compliance_evidence",
        lambda live, unit: {
            "kind": "link",
            "title": "Policy",
            "url": "https://intranet.example/policy",
            "valid_until": "2030-01-01",
            **_unit(live, unit),
        },
        {"note": "Reviewed"},
        ({"kind": "link", "title": "x", "url": "javascript:alert(1)", "org_unit_id": str(uuid.uuid4())}, "url"),
    ),
    _contract(
        "control-tests",
        "compliance_control_tests",
        _control_test,
        {"cadence": "weekly", "enabled": False},
        ({"control_id": str(uuid.uuid4()), "check_name": PASSES}, "control_id"),
    ),
]

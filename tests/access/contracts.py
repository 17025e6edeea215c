"""The access resources in the generic contract suite (tests/contracts)."""

from __future__ import annotations

import uuid
from typing import Any

from tests.contracts.registry import ResourceContract
from tests.support.live import Live

EDITORS = frozenset({"admin", "ciso", "security_analyst", "it_analyst"})
BASE = "/api/v1/access"


def _system(live: Live, unit: str) -> dict[str, Any]:
    return {
        "key": f"sys-{uuid.uuid4().hex[:8]}",
        "name": "Epic EHR",
        "dormant_days": 60,
        "change_windows": [{"weekday": 1, "start": 18, "end": 22}],
        "org_unit_id": str(live.units[unit]),
    }


def _rule(live: Live, unit: str) -> dict[str, Any]:
    return {
        "name": f"Vendor vs payment {uuid.uuid4().hex[:6]}",
        "left": ["sap:create-vendor"],
        "right": ["sap:approve-payment"],
        "right_mode": "all",
        "org_unit_id": str(live.units[unit]),
    }


CONTRACTS: list[ResourceContract] = [
    ResourceContract(
        name="access-systems",
        path=f"{BASE}/systems",
        entity_type="access_systems",
        create=_system,
        update={"dormant_days": 30, "mfa_enforced": True},
        invalid=({"key": "not a key!", "name": "x", "org_unit_id": str(uuid.uuid4())}, "key"),
        edit_roles=EDITORS,
    ),
    ResourceContract(
        name="access-sod-rules",
        path=f"{BASE}/sod-rules",
        entity_type="access_sod_rules",
        create=_rule,
        update={"severity": "critical", "left_mode": "all"},
        invalid=({"name": "x", "left": [], "right": ["a:b"], "org_unit_id": str(uuid.uuid4())}, "left"),
        edit_roles=EDITORS,
    ),
]

"""The privacy resources in the generic contract suite (tests/contracts)."""

from __future__ import annotations

import uuid
from typing import Any

from tests.contracts.registry import ResourceContract
from tests.support.live import Live

EDITORS = frozenset({"admin", "ciso", "security_analyst", "cio"})
BASE = "/api/v1/privacy"


def _activity(live: Live, unit: str) -> dict[str, Any]:
    return {
        "name": f"Newsletter {uuid.uuid4().hex[:6]}",
        "purposes": ["Marketing"],
        "legal_basis": "consent",
        "data_categories": ["contact"],
        "org_unit_id": str(live.units[unit]),
    }


def _dpia(live: Live, unit: str) -> dict[str, Any]:
    with live.client("admin") as client:
        response = client.post(f"{BASE}/activities", json=_activity(live, unit))
        assert response.status_code == 201, response.text
    return {"activity_id": response.json()["id"], "title": "DPIA newsletter"}


CONTRACTS: list[ResourceContract] = [
    ResourceContract(
        name="privacy-activities",
        path=f"{BASE}/activities",
        entity_type="privacy_activities",
        create=_activity,
        update={"status": "approved", "retention": "3 years"},
        invalid=({"name": "x", "legal_basis": "whim", "org_unit_id": str(uuid.uuid4())}, "legal_basis"),
        edit_roles=EDITORS,
    ),
    ResourceContract(
        name="privacy-dpias",
        path=f"{BASE}/dpias",
        entity_type="privacy_dpias",
        create=_dpia,
        update={"measures": "Double opt-in", "residual_risk": "low"},
        invalid=({"activity_id": str(uuid.uuid4()), "title": ""}, "title"),
        edit_roles=EDITORS,
    ),
]

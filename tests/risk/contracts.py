"""The risk resources in the generic contract suite (tests/contracts)."""

from __future__ import annotations

import uuid
from typing import Any

from tests.contracts.registry import ResourceContract
from tests.support.live import Live

EDITORS = frozenset({"admin", "ciso", "security_analyst", "cio"})
BASE = "/api/v1/risk"
FAIR = {"lef": {"type": "pert", "min": 0.1, "mode": 0.5, "max": 2},
        "primary_loss": {"type": "lognormal90", "low": 10_000, "high": 500_000}}  # fmt: skip


def _scenario(live: Live, unit: str) -> dict[str, Any]:
    return {"title": f"Ransomware {uuid.uuid4().hex[:6]}", "likelihood": 3, "impact": 4, "fair": FAIR,
            "org_unit_id": str(live.units[unit])}  # fmt: skip


def _treatment(live: Live, unit: str) -> dict[str, Any]:
    with live.client("admin") as client:
        response = client.post(f"{BASE}/scenarios", json=_scenario(live, unit))
        assert response.status_code == 201, response.text
    return {"scenario_id": response.json()["id"], "kind": "mitigate", "title": "EDR",
            "effect": {"tef_factor": 0.5}, "annual_cost": 10_000}  # fmt: skip


CONTRACTS: list[ResourceContract] = [
    ResourceContract(
        name="risk-scenarios",
        path=f"{BASE}/scenarios",
        entity_type="risk_scenarios",
        create=_scenario,
        update={"status": "assessed", "impact": 5},
        invalid=({"title": "x", "likelihood": 0, "org_unit_id": str(uuid.uuid4())}, "likelihood"),
        edit_roles=EDITORS,
    ),
    ResourceContract(
        name="risk-treatments",
        path=f"{BASE}/treatments",
        entity_type="risk_treatments",
        create=_treatment,
        update={"status": "planned", "annual_cost": 12_000.0},
        invalid=({"scenario_id": str(uuid.uuid4()), "kind": "pray", "title": "x"}, "kind"),
        edit_roles=EDITORS,
    ),
]

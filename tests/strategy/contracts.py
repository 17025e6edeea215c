"""The strategy resources in the generic contract suite (tests/contracts)."""

from __future__ import annotations

import uuid
from typing import Any

from tests.contracts.registry import ResourceContract
from tests.support.live import Live

EDITORS = frozenset({"admin", "cio", "ciso", "it_analyst", "security_analyst"})
BASE = "/api/v1/strategy"


def _objective(live: Live, unit: str) -> dict[str, Any]:
    return {
        "title": f"Grow {uuid.uuid4().hex[:6]}",
        "horizon": "FY27",
        "weight": 2,
        "org_unit_id": str(live.units[unit]),
    }


def _initiative(live: Live, unit: str) -> dict[str, Any]:
    return {"title": f"MFA {uuid.uuid4().hex[:6]}", "sponsor": "ciso", "duration": 2, "costs": [50_000],
            "staff": {"security": [1.5]}, "business_value": 100_000, "org_unit_id": str(live.units[unit])}  # fmt: skip


def _scenario(live: Live, unit: str) -> dict[str, Any]:
    return {"name": f"Cut {uuid.uuid4().hex[:6]}", "budget_factor": 0.9, "org_unit_id": str(live.units[unit])}


def _decision(live: Live, unit: str) -> dict[str, Any]:
    return {"kind": "vendor_choice", "question": "MDR or SOC?", "options": ["MDR", "SOC"],
            "org_unit_id": str(live.units[unit])}  # fmt: skip


CONTRACTS: list[ResourceContract] = [
    ResourceContract(name="strategy-objectives", path=f"{BASE}/objectives", entity_type="strategy_objectives",
                     create=_objective, update={"weight": 3.0},
                     invalid=({"title": "", "org_unit_id": str(uuid.uuid4())}, "title"), edit_roles=EDITORS),
    ResourceContract(name="strategy-initiatives", path=f"{BASE}/initiatives", entity_type="strategy_initiatives",
                     create=_initiative, update={"status": "planned", "duration": 3},
                     invalid=({"title": "x", "duration": 0, "org_unit_id": str(uuid.uuid4())}, "duration"),
                     edit_roles=EDITORS),
    ResourceContract(name="strategy-scenarios", path=f"{BASE}/scenarios", entity_type="strategy_scenarios",
                     create=_scenario, update={"budget_factor": 0.8},
                     invalid=({"name": "x", "budget_factor": -1, "org_unit_id": str(uuid.uuid4())}, "budget_factor"),
                     edit_roles=EDITORS),
    ResourceContract(name="strategy-decisions", path=f"{BASE}/decisions", entity_type="strategy_decisions",
                     create=_decision, update={"rationale": "Staffing a SOC takes too long."},
                     invalid=({"kind": "coin_toss", "question": "x", "org_unit_id": str(uuid.uuid4())}, "kind"),
                     edit_roles=EDITORS),
]  # fmt: skip

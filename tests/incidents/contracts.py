"""The incidents resources in the generic contract suite (tests/contracts)."""

from __future__ import annotations

import uuid
from typing import Any

from tests.contracts.registry import ResourceContract
from tests.support.live import Live

RESPONDERS = frozenset({"admin", "ciso", "security_analyst", "cio"})


def _incident(live: Live, unit: str) -> dict[str, Any]:
    return {
        "title": f"Phishing {uuid.uuid4().hex[:6]}",
        "type": "account_compromise",
        "org_unit_id": str(live.units[unit]),
    }


CONTRACTS: list[ResourceContract] = [
    ResourceContract(
        name="incidents",
        path="/api/v1/incidents/incidents",
        entity_type="incidents_incidents",
        create=_incident,
        update={"severity": "high", "gdpr_risk": "risk"},
        invalid=({"title": "", "type": "alien-invasion", "org_unit_id": str(uuid.uuid4())}, "type"),
        edit_roles=RESPONDERS,
    )
]

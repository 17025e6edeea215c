"""The training resources in the generic contract suite (tests/contracts)."""

from __future__ import annotations

import uuid
from typing import Any

from tests.contracts.registry import ResourceContract
from tests.support.live import Live

EDITORS = frozenset({"admin", "ciso", "security_analyst"})
BASE = "/api/v1/training"


def _course(live: Live, unit: str) -> dict[str, Any]:
    return {"title": f"Awareness {uuid.uuid4().hex[:6]}", "validity_days": 365, "org_unit_id": str(live.units[unit])}


def _program(live: Live, unit: str) -> dict[str, Any]:
    with live.client("admin") as client:
        response = client.post(f"{BASE}/courses", json=_course(live, unit))
        assert response.status_code == 201, response.text
    return {"title": f"Annual {uuid.uuid4().hex[:6]}", "course_ids": [response.json()["id"]],
            "audience": [{"kind": "department", "values": ["Finance"]}],
            "org_unit_id": str(live.units[unit])}  # fmt: skip


def _policy(live: Live, unit: str) -> dict[str, Any]:
    return {"title": f"Acceptable use {uuid.uuid4().hex[:6]}", "org_unit_id": str(live.units[unit])}


CONTRACTS: list[ResourceContract] = [
    ResourceContract(
        name="training-courses",
        path=f"{BASE}/courses",
        entity_type="training_courses",
        create=_course,
        update={"duration_minutes": 60, "version": "2"},
        invalid=({"title": "Video", "format": "video", "org_unit_id": str(uuid.uuid4())}, "format"),
        edit_roles=EDITORS,
    ),
    ResourceContract(
        name="training-programs",
        path=f"{BASE}/programs",
        entity_type="training_programs",
        create=_program,
        update={"due_days": 45, "active": False},
        invalid=(
            {
                "title": "x",
                "course_ids": [str(uuid.uuid4())],
                "audience": [{"kind": "vip"}],
                "org_unit_id": str(uuid.uuid4()),
            },
            "kind",
        ),
        edit_roles=EDITORS,
    ),
    ResourceContract(
        name="training-policies",
        path=f"{BASE}/policies",
        entity_type="training_policies",
        create=_policy,
        update={"review_date": "2027-06-30", "description": "Reviewed by the CISO"},
        invalid=({"title": " ", "org_unit_id": str(uuid.uuid4())}, "title"),
        edit_roles=EDITORS,
    ),
]

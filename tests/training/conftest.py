"""Training fixtures: an organisation with Clinical and IT units and a few people in the inventory."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy.orm import Session

from tandem.inventory import service as inventory
from tandem.platform.auth import service as auth

TODAY = dt.date.today()


@dataclass
class Org:
    root: uuid.UUID
    clinical: uuid.UUID
    it: uuid.UUID
    people: dict[str, Any] = field(default_factory=dict)


def make_person(session: Session, unit: uuid.UUID, name: str, dept: str, **extra: Any) -> Any:
    kind = inventory.KINDS["people"]
    first, _, last = name.partition(" ")
    data = {"full_name": name, "email": f"{first}.{last}@acme.example".lower(), "department": dept,
            "job_title": "Nurse" if dept == "Clinical" else "Engineer", "org_unit_id": unit,
            "start_date": TODAY - dt.timedelta(days=900), **extra}  # fmt: skip
    return inventory.create_record(session, None, kind, kind.create.model_validate(data))


@pytest.fixture
def org(session: Session) -> Org:
    root = auth.root_unit(session) or auth.create_unit(session, None, f"Acme {uuid.uuid4().hex[:6]}", None)
    clinical = auth.create_unit(session, None, f"Clinical-{uuid.uuid4().hex[:6]}", root.id)
    it = auth.create_unit(session, None, f"IT-{uuid.uuid4().hex[:6]}", root.id)
    out = Org(root.id, clinical.id, it.id)
    for name, unit, dept in (("Ana Lopez", clinical.id, "Clinical"), ("Ben Ode", clinical.id, "Clinical"),
                             ("Cara Smith", it.id, "IT"), ("Dev Patel", it.id, "IT")):  # fmt: skip
        out.people[name.split()[0].lower()] = make_person(session, unit, name, dept)
    return out

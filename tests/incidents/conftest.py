"""Incident fixtures: an org with two units and a vendor that can reach a data store in the inventory."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy.orm import Session

from tandem.inventory import service as inventory
from tandem.inventory.kinds import KINDS
from tandem.platform.auth import service as auth


@dataclass
class Org:
    root: uuid.UUID
    it: uuid.UUID
    finance: uuid.UUID


@pytest.fixture
def org(session: Session) -> Org:
    root = auth.root_unit(session) or auth.create_unit(session, None, f"Org {uuid.uuid4().hex[:6]}", None)
    it = auth.create_unit(session, None, f"IT-{uuid.uuid4().hex[:6]}", root.id)
    finance = auth.create_unit(session, None, f"Finance-{uuid.uuid4().hex[:6]}", root.id)
    return Org(root.id, it.id, finance.id)


def make(session: Session, plural: str, **values: Any) -> Any:
    """Create an inventory record."""
    kind = KINDS[plural]
    return inventory.create_record(session, None, kind, kind.create.model_validate(values))

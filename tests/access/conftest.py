"""Access fixtures: an organisation with the EHR database in the inventory, and the small hospital imported."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy.orm import Session

from tandem.access import imports, service
from tandem.access.schemas import SodRuleCreate, SystemCreate
from tandem.inventory import service as inventory
from tandem.inventory.kinds import KINDS
from tandem.platform.auth import service as auth
from tests.access.world import FILES, SOD


@dataclass
class World:
    root: uuid.UUID
    store: Any


def import_all(session: Session, files: dict[str, str] | None = None) -> None:
    """Import the four files in order."""
    for kind, text in (files or FILES).items():
        imports.import_file(session, None, kind, text.encode(), f"{kind}.csv")


@pytest.fixture
def world(session: Session) -> World:
    root = auth.root_unit(session) or auth.create_unit(session, None, f"Org {uuid.uuid4().hex[:6]}", None)
    kind = KINDS["data-stores"]
    store = inventory.create_record(
        session,
        None,
        kind,
        kind.create.model_validate(
            {"name": "EHR database", "data_categories": ["health", "identity"], "org_unit_id": root.id}
        ),
    )
    service.create_system(
        session, None, SystemCreate(key="fin", name="Finance", mfa_enforced=False, org_unit_id=root.id)
    )
    service.create_system(
        session, None, SystemCreate(key="ehr", name="EHR", mfa_enforced=True, dormant_days=90, org_unit_id=root.id)
    )
    import_all(session)
    service.create_rule(session, None, SodRuleCreate(**SOD, org_unit_id=root.id))
    return World(root.id, store)

"""Vendors fixtures: an org with two units, and a vendor reaching a PHI store and an EU marketing list."""

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
class World:
    root: uuid.UUID
    it: uuid.UUID
    finance: uuid.UUID
    vendor: Any
    phi_store: Any
    eu_store: Any
    app: Any
    owner: Any


def make(session: Session, plural: str, **data: Any) -> Any:
    """Create an inventory record through the inventory service."""
    kind = KINDS[plural]
    return inventory.create_record(session, None, kind, kind.create.model_validate(data))


def link(session: Session, rtype: str, src: Any, skind: str, tgt: Any, tkind: str, unit: uuid.UUID) -> None:
    """Draw an inventory relation."""
    make(session, "relations", type=rtype, source_kind=skind, source_id=src.id, target_kind=tkind,
         target_id=tgt.id, org_unit_id=unit)  # fmt: skip


@pytest.fixture
def world(session: Session) -> World:
    tag = uuid.uuid4().hex[:6]
    root = auth.root_unit(session) or auth.create_unit(session, None, f"Org {tag}", None)
    it = auth.create_unit(session, None, f"IT-{tag}", root.id)
    finance = auth.create_unit(session, None, f"Finance-{tag}", root.id)
    vendor = make(session, "vendors", name=f"Acme EHR {tag}", country="US", org_unit_id=it.id)
    phi = make(session, "data-stores", name=f"EHR db {tag}", country="US", data_categories=["health", "identity"],
               record_count=2_000_000, classification="restricted", org_unit_id=it.id)  # fmt: skip
    eu = make(session, "data-stores", name=f"EU list {tag}", country="FR", data_categories=["contact", "marketing"],
              record_count=50_000, org_unit_id=it.id)  # fmt: skip
    app = make(session, "applications", name=f"EHR app {tag}", vendor_id=vendor.id, data_classification="restricted",
               org_unit_id=it.id)  # fmt: skip
    owner = make(session, "people", full_name="Olive Owner", email=f"olive.{tag}@example.org", org_unit_id=it.id)
    link(session, "can_access", vendor, "vendor", phi, "data_store", it.id)
    link(session, "stores_data_in", app, "application", eu, "data_store", it.id)
    return World(root.id, it.id, finance.id, vendor, phi, eu, app, owner)

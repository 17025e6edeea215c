"""Compliance fixtures: the shipped library committed once per database, an org, the console principal."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
from sqlalchemy.orm import Session

from tandem.compliance.frameworks import shipped
from tandem.platform.auth import service as auth
from tandem.platform.db.uow import Database, unit_of_work


@dataclass
class Org:
    root: uuid.UUID
    it: uuid.UUID
    finance: uuid.UUID


@pytest.fixture(scope="session")
def library(db: Database) -> dict[str, uuid.UUID]:
    """Load the shipped frameworks and the crosswalk once per database; return {key: framework id}."""
    with unit_of_work(db) as session:
        return {f.key: f.id for f in shipped.load_library(session, None)}


@pytest.fixture
def org(session: Session) -> Org:
    root = auth.root_unit(session) or auth.create_unit(session, None, f"Org {uuid.uuid4().hex[:6]}", None)
    it = auth.create_unit(session, None, f"IT-{uuid.uuid4().hex[:6]}", root.id)
    finance = auth.create_unit(session, None, f"Finance-{uuid.uuid4().hex[:6]}", root.id)
    return Org(root.id, it.id, finance.id)

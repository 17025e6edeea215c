"""Watch fixtures: an organisation whose inventory runs Chrome and log4j, buys from Cisco, keeps data in the US
and France, and assesses a HIPAA framework; principals for an analyst (triages) and a viewer (reads)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from tandem.compliance.assessments import service as assessments
from tandem.compliance.frameworks import service as frameworks
from tandem.compliance.schemas import AssessmentCreate
from tandem.inventory import service as inventory
from tandem.inventory.kinds import KINDS
from tandem.platform.auth import service as auth
from tandem.platform.auth.principal import Grant, Principal
from tandem.reporting.watch import feeds

SAMPLES = Path(feeds.__file__).parent.parent / "samples"
HIPAA_CSV = b"id,title\n164.308,Administrative safeguards\n164.312,Technical safeguards\n"


@dataclass
class World:
    root: uuid.UUID
    analyst: Principal
    viewer: Principal
    person: Any
    framework: Any


def make(session: Session, plural: str, **values: Any) -> Any:
    """Create an inventory record through the inventory service."""
    kind = KINDS[plural]
    return inventory.create_record(session, None, kind, kind.create.model_validate(values))


def sample(name: str) -> bytes:
    """Return a shipped sample's bytes."""
    return (SAMPLES / name).read_bytes()


@pytest.fixture
def world(session: Session) -> World:
    root = auth.root_unit(session) or auth.create_unit(session, None, f"Org {uuid.uuid4().hex[:6]}", None)
    tag = uuid.uuid4().hex[:6]
    make(session, "vendors", name="Cisco", org_unit_id=root.id)
    make(session, "software", name="Google Chrome", version="116.0.5845.96", vendor="Google", org_unit_id=root.id,
         cpe="cpe:2.3:a:google:chrome:116.0.5845.96:*:*:*:*:*:*:*")  # fmt: skip
    make(session, "software", name="log4j-core", version="2.17.1", vendor="Apache", org_unit_id=root.id,
         cpe="cpe:2.3:a:apache:log4j:2.17.1:*:*:*:*:*:*:*")  # fmt: skip
    make(session, "data-stores", name=f"EHR {tag}", country="US", org_unit_id=root.id)
    make(session, "data-stores", name=f"Mailing list {tag}", country="FR", org_unit_id=root.id)
    person = make(session, "people", full_name="Dana Reyes", email=f"dana-{tag}@example.org", org_unit_id=root.id)
    framework = frameworks.import_simple(session, None, HIPAA_CSV, "hipaa.csv", f"hipaa-{tag}", "2013",
                                         "HIPAA Security Rule")  # fmt: skip
    assessments.create_assessment(session, None, AssessmentCreate(title="HIPAA 2026", framework_id=framework.id,
                                                                  org_unit_id=root.id))  # fmt: skip
    grants = lambda role: (Grant(role, root.id, root.path),)  # noqa: E731
    return World(
        root.id,
        Principal(uuid.uuid4(), "ana.analyst", grants("security_analyst")),
        Principal(uuid.uuid4(), "vic.viewer", grants("viewer")),
        person,
        framework,
    )

"""Board pack fixtures: an organisation with a little real data in every domain the pack reads, made through the
domains' services (risk simulated with the real engine), and users per role."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.compliance.controls import service as controls
from tandem.compliance.frameworks import service as frameworks
from tandem.compliance.schemas import ControlCreate
from tandem.incidents import service as incidents
from tandem.incidents.schemas import IncidentCreate, IncidentUpdate
from tandem.inventory import service as inventory
from tandem.platform.auth import service as auth
from tandem.platform.auth.models import OrgUnit
from tandem.platform.auth.principal import Grant, Principal
from tandem.platform.db.types import utcnow
from tandem.risk import inputs
from tandem.risk import service as risk
from tandem.risk.fair import simulate
from tandem.risk.models import Run
from tandem.risk.repository import RiskRepository
from tandem.risk.schemas import ScenarioCreate
from tandem.risk.simulation import ENGINE_VERSION, store_run
from tandem.training import completions, courses, programs
from tandem.training.schemas import CourseCreate, ProgramCreate, Rule

FRAMEWORK = (
    b"id,parent_id,title,kind\nA,,Access,group\nA.1,A,Unique user IDs,requirement\n"
    b"A.2,A,Automatic logoff,requirement\nA.3,A,Encryption,requirement\nA.4,A,Audit controls,requirement\n"
)
FAIR = {"lef": {"type": "pert", "min": 0.5, "mode": 2, "max": 6},
        "primary_loss": {"type": "lognormal90", "low": 50_000, "high": 2_000_000}}  # fmt: skip


@dataclass
class Org:
    root: uuid.UUID
    clinical: uuid.UUID
    users: dict[str, Principal] = field(default_factory=dict)


def _user(session: Session, role: str, unit: uuid.UUID) -> Principal:
    """Return the principal of someone holding role on unit (services check grants, not password hashes)."""
    path = session.scalar(select(OrgUnit.path).where(OrgUnit.id == unit))
    assert path is not None
    return Principal(uuid.uuid4(), f"{role}-{uuid.uuid4().hex[:6]}", (Grant(role, unit, path),))


@pytest.fixture
def org(session: Session) -> Org:
    """A root and a Clinical unit, with a cio, ciso, viewer and auditor on the root and a viewer on Clinical."""
    root = auth.root_unit(session) or auth.create_unit(session, None, f"Acme {uuid.uuid4().hex[:6]}", None)
    clinical = auth.create_unit(session, None, f"Clinical-{uuid.uuid4().hex[:6]}", root.id)
    out = Org(root.id, clinical.id)
    for role in ("cio", "ciso", "viewer", "auditor"):
        out.users[role] = _user(session, role, root.id)
    out.users["clinical_viewer"] = _user(session, "viewer", clinical.id)
    return out


def _person(session: Session, unit: uuid.UUID, name: str, dept: str) -> Any:
    kind = inventory.KINDS["people"]
    first, _, last = name.partition(" ")
    data = {"full_name": name, "email": f"{first}.{last}@acme.example".lower(), "department": dept,
            "org_unit_id": unit, "start_date": dt.date.today() - dt.timedelta(days=900)}  # fmt: skip
    return inventory.create_record(session, None, kind, kind.create.model_validate(data))


def _risk(session: Session, org: Org) -> None:
    made = [risk.create_scenario(session, None, ScenarioCreate(title=title, fair=FAIR, org_unit_id=org.root))
            for title in ("Ransomware on the EHR", "Vendor data leak")]  # fmt: skip
    result = simulate([inputs.to_scenario(str(s.id), s.fair) for s in made], years=2000, seed=7)
    run = RiskRepository(session, Run).add(Run(
        org_unit_id=org.root, scope="portfolio", scenario_ids=[str(s.id) for s in made], seed=7, years=2000,
        semantics="events", engine_version=ENGINE_VERSION, status="running"))  # fmt: skip
    store_run(session, run, result, {str(s.id): s.title for s in made})


def _compliance(session: Session, org: Org) -> None:
    framework = frameworks.import_simple(session, None, FRAMEWORK, "board.csv", f"board-{uuid.uuid4().hex[:6]}", "1",
                                         "Board Test Rule")  # fmt: skip
    from tandem.compliance.frameworks import repository as fw_repo

    reqs = {r.label: r.id for r in fw_repo.tree_rows(session, framework.id) if r.assessable}
    controls.create_control(session, None, ControlCreate(title="SSO and idle logoff", status="implemented",
                                                         org_unit_id=org.root,
                                                         requirement_ids=[reqs["A.1"], reqs["A.2"]]))  # fmt: skip
    controls.create_control(
        session,
        None,
        ControlCreate(title="Disk encryption", status="planned", org_unit_id=org.root, requirement_ids=[reqs["A.3"]]),
    )


def _incidents(session: Session, org: Org) -> None:
    for title in ("Phishing wave", "Lost laptop", "Vendor breach"):
        incidents.open_incident(session, None, IncidentCreate(title=title, severity="high", org_unit_id=org.root))
    closed = incidents.open_incident(session, None, IncidentCreate(title="Old malware", org_unit_id=org.root))
    incidents.update_incident(session, None, closed.id, IncidentUpdate(status="closed"))


def _training(session: Session, org: Org) -> None:
    people = [_person(session, org.clinical, n, "Clinical") for n in ("Ana Lopez", "Ben Ode", "Cara Smith")]
    people.append(_person(session, org.root, "Dev Patel", "IT"))
    course = courses.create_course(session, None, CourseCreate.model_validate(
        {"title": "Awareness", "validity_days": 365, "org_unit_id": org.root}))  # fmt: skip
    programs.create_program(
        session,
        None,
        ProgramCreate(title="All staff", course_ids=[course.id], audience=[Rule(kind="all")], org_unit_id=org.root),
    )
    for person in people[:3]:
        completions.add_completion(session, person, course, utcnow() - dt.timedelta(days=3), 90.0, True, "test")


@pytest.fixture
def seeded(session: Session, org: Org) -> Org:
    """The organisation with risk, compliance, incident and training data."""
    _risk(session, org)
    _compliance(session, org)
    _incidents(session, org)
    _training(session, org)
    return org

"""Database figures: store SP 800-53 in the library and create an assessment, CPU and wall time with the DB."""

from __future__ import annotations

import tempfile
import time
import uuid
from pathlib import Path

from tandem.app import register
from tandem.compliance.assessments import service as assessments
from tandem.compliance.frameworks import shipped
from tandem.compliance.schemas import AssessmentCreate
from tandem.domains import load_manifests
from tandem.platform.auth import service as auth
from tandem.platform.db import migrate
from tandem.platform.db.engine import make_engine
from tandem.platform.db.uow import Database, unit_of_work

PEER_LOAD_CPU_S = 4.4
PEER_AUDIT_CPU_S = 0.59


def _timed(action: object) -> tuple[float, float, object]:
    cpu, wall = time.process_time(), time.perf_counter()
    value = action()  # type: ignore[operator]
    return time.process_time() - cpu, time.perf_counter() - wall, value


def _line(label: str, cpu: float, wall: float, peer: float) -> None:
    print(
        f"{label}: {cpu * 1000:,.0f} ms CPU, {wall * 1000:,.0f} ms wall; "
        f"peer {peer:.2f} s CPU → {peer / cpu:,.1f}× faster"
    )


def main() -> None:
    """Load 800-53 (parse + bulk insert + commit) and create full and MODERATE assessments on SQLite."""
    register(load_manifests())
    folder = Path(tempfile.mkdtemp(prefix="tandem-bench-"))
    db = Database(make_engine(f"sqlite:///{folder / 'bench.db'}"))
    migrate.upgrade(db.engine)
    from tandem.compliance.content import nist

    nist.sp800_53.cache_clear()

    def load() -> uuid.UUID:
        with unit_of_work(db) as session:
            return shipped.ensure_shipped(session, None, "nist-sp800-53").id

    cpu, wall, fw_id = _timed(load)
    _line("store SP 800-53 in the library (gunzip + parse + insert 1,216 nodes + commit)", cpu, wall, PEER_LOAD_CPU_S)
    with unit_of_work(db) as session:
        unit = auth.create_unit(session, None, "Bench", None).id
        moderate = shipped.ensure_shipped(session, None, "nist-sp800-53-moderate").id

    def assess(framework: object) -> object:
        with unit_of_work(db) as session:
            data = AssessmentCreate(title="bench", framework_id=framework, org_unit_id=unit)  # type: ignore[arg-type]
            return assessments.create_assessment(session, None, data)

    cpu, wall, _ = _timed(lambda: assess(fw_id))
    _line("create a full 800-53 assessment (1,014 results + commit)", cpu, wall, PEER_AUDIT_CPU_S)
    cpu, wall, _ = _timed(lambda: assess(moderate))
    _line("create a MODERATE assessment (287 results + commit)", cpu, wall, PEER_AUDIT_CPU_S)

"""Database figures: store SP 800-53 in the library and create an assessment, CPU and wall time with the DB."""

from __future__ import annotations

import statistics
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
ROUNDS = 5


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
    """Load 800-53 (parse + bulk insert + commit) and create full and MODERATE assessments on SQLite.

    Runs in its own process (see run.py) so what the pure figures left on the heap does not tax these: a
    `tandem compliance` command or a web worker starts from a clean process too. The first round is cold (it
    includes the one-off ORM mapper configuration of every domain); the median of ROUNDS fresh databases is
    printed alongside.
    """
    register(load_manifests())
    from tandem.compliance.content import nist

    loads: list[tuple[float, float]] = []
    full: list[tuple[float, float]] = []
    moderate_runs: list[tuple[float, float]] = []
    for _ in range(ROUNDS):
        folder = Path(tempfile.mkdtemp(prefix="tandem-bench-"))
        db = Database(make_engine(f"sqlite:///{folder / 'bench.db'}"))
        migrate.upgrade(db.engine)
        nist.sp800_53.cache_clear()

        def load(db: Database = db) -> uuid.UUID:
            with unit_of_work(db) as session:
                return shipped.ensure_shipped(session, None, "nist-sp800-53").id

        cpu, wall, fw_id = _timed(load)
        loads.append((cpu, wall))
        with unit_of_work(db) as session:
            unit = auth.create_unit(session, None, "Bench", None).id
            moderate = shipped.ensure_shipped(session, None, "nist-sp800-53-moderate").id

        def assess(framework: object, db: Database = db, unit: uuid.UUID = unit) -> object:
            with unit_of_work(db) as session:
                data = AssessmentCreate(title="bench", framework_id=framework, org_unit_id=unit)  # type: ignore[arg-type,unused-ignore]
                return assessments.create_assessment(session, None, data)

        cpu, wall, _ = _timed(lambda fw_id=fw_id: assess(fw_id))
        full.append((cpu, wall))
        cpu, wall, _ = _timed(lambda moderate=moderate: assess(moderate))
        moderate_runs.append((cpu, wall))
        db.engine.dispose()
    _lines("store SP 800-53 in the library (gunzip + parse + insert 1,216 nodes + commit)", loads, PEER_LOAD_CPU_S)
    _lines("create a full 800-53 assessment (1,014 results + commit)", full, PEER_AUDIT_CPU_S)
    _lines("create a MODERATE assessment (287 results + commit)", moderate_runs, PEER_AUDIT_CPU_S)


def _lines(label: str, runs: list[tuple[float, float]], peer: float) -> None:
    _line(f"{label}, cold", *runs[0], peer)
    cpu = statistics.median(r[0] for r in runs)
    wall = statistics.median(r[1] for r in runs)
    _line(f"{label}, median of {len(runs)}", cpu, wall, peer)


if __name__ == "__main__":
    main()

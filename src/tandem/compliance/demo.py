"""Northwind Health's compliance program: the shipped library, ~65 controls, three assessments, evidence, POA&M,
and ~20 automated control tests (run by `demo_after` once every domain's demo data exists)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from sqlalchemy.orm import Session

from tandem.compliance.assessments import service as assessments
from tandem.compliance.automation import demo as automation_demo
from tandem.compliance.controls import service as controls
from tandem.compliance.demo_data import ALL
from tandem.compliance.evidence import service as evidence
from tandem.compliance.frameworks import repository as fw_repo
from tandem.compliance.frameworks import shipped
from tandem.compliance.schemas import AssessmentCreate, ControlCreate, EvidenceCreate, ResultUpdate
from tandem.platform.auth.principal import CONSOLE

SEED = 20261128
TODAY = dt.date(2026, 11, 27)
_RESULT = {"implemented": "satisfied", "in-progress": "partially", "planned": "not-satisfied"}


def load_demo(session: Session, org: Any) -> None:
    """Load the library and Northwind Health's controls, assessments, evidence and POA&M items."""
    rng = random.Random(SEED)
    library = {f.key: f for f in shipped.load_library(session, None)}
    unit = org.units["Security"].id
    refs = {k: fw_repo.ref_index(session, library[k].id) for k in ("nist-sp800-53", "hipaa-security-rule")}
    made = []
    for title, status, frequency, nist_ids, hipaa_ids in ALL:
        ids = [refs["nist-sp800-53"][i] for i in nist_ids if i in refs["nist-sp800-53"]]
        ids += [refs["hipaa-security-rule"][c] for c in hipaa_ids if c in refs["hipaa-security-rule"]]
        data = ControlCreate(
            title=title,
            status=status,
            frequency=frequency,
            org_unit_id=unit,
            requirement_ids=ids,
            description=f"{title}. Operated by the Security team at Northwind Health.",
        )
        made.append(controls.create_control(session, None, data))
    status_of = {rid: c.status for c in made for rid in controls.repo.requirement_ids(session, c.id)}
    hipaa = _assess(session, library["hipaa-security-rule"].id, unit, "HIPAA Security Rule 2026", status_of, rng, 0.9)
    moderate = _assess(session, library["nist-sp800-53-moderate"].id, unit, "800-53 MODERATE 2026", status_of, rng, 0.8)
    assessments.create_assessment(
        session,
        None,
        AssessmentCreate(
            title="CSF 2.0 profile 2026",
            framework_id=library["nist-csf"].id,
            org_unit_id=unit,
            prefill_from_id=moderate.id,
            scope="Whole organisation",
        ),
    )
    _evidence(session, unit, made, hipaa.id)
    assessments.gaps_to_poam(session, CONSOLE, hipaa.id, TODAY + dt.timedelta(days=90))
    automation_demo.attach_tests(session, org)


def _assess(
    session: Session,
    framework_id: Any,
    unit: Any,
    title: str,
    status_of: dict[Any, str],
    rng: random.Random,
    share: float,
) -> Any:
    data = AssessmentCreate(title=title, framework_id=framework_id, org_unit_id=unit, scope="All clinical systems")
    assessment = assessments.create_assessment(session, None, data)
    for row in assessments.results(session, CONSOLE, assessment.id):
        if rng.random() > share:
            continue
        canon = row["base_requirement_id"] or row["requirement_id"]
        value = _RESULT.get(status_of.get(canon, ""), rng.choice(["partially", "not-satisfied", "satisfied"]))
        update = ResultUpdate(
            result=value, maturity=rng.randint(1, 4), rationale=f"Reviewed by the Security team ({value})."
        )
        assessments.set_result(session, None, assessment.id, str(row["id"]), update, "sec.analyst")
    return assessment


def _evidence(session: Session, unit: Any, made: list[Any], hipaa_id: Any) -> None:
    results = {r["ref"]: r["id"] for r in assessments.results(session, CONSOLE, hipaa_id)}
    files = [
        ("mfa-enrolment-report.csv", b"user,enrolled\nava.adams,yes\nben.berg,yes\n", made[0].id, "164.312(d)"),
        (
            "backup-restore-test.txt",
            b"Restore test of Epic Chronicles completed in 3h40m.\n",
            made[25].id,
            "164.308(a)(7)(ii)(A)",
        ),
        ("risk-analysis-2026.json", b'{"risks": 42, "high": 5}\n', made[12].id, "164.308(a)(1)(ii)(A)"),
    ]
    for name, data, control_id, ref in files:
        evidence.upload_evidence(
            session,
            None,
            data,
            name,
            {
                "org_unit_id": unit,
                "title": name,
                "valid_from": TODAY - dt.timedelta(days=30),
                "valid_until": TODAY + dt.timedelta(days=335),
                "control_id": control_id,
                "result_id": results.get(ref),
            },
        )
    evidence.add_evidence(
        session,
        None,
        EvidenceCreate(
            kind="link",
            title="SIEM retention settings",
            url="https://siem.northwind-health.example/settings/retention",
            org_unit_id=unit,
            control_id=made[10].id,
            valid_until=TODAY - dt.timedelta(days=3),
            result_id=results.get("164.312(b)"),
        ),
    )
    evidence.add_evidence(
        session,
        None,
        EvidenceCreate(
            kind="note",
            title="Security official appointment",
            note="Board minutes 2026-02-11 name the CISO.",
            org_unit_id=unit,
            control_id=made[15].id,
            result_id=results.get("164.308(a)(2)"),
        ),
    )

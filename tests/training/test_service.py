"""Training rules on a real database: audiences and recompute as people join, move and leave; statuses; LMS and
phishing imports (all or nothing); remedial assignment of repeat clickers; policy acknowledgements; evidence."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tandem.inventory import service as inventory
from tandem.platform.audit.models import AuditEntry
from tandem.platform.db.types import utcnow
from tandem.platform.errors import Conflict, InvalidInput
from tandem.training import completions, courses, evidence, phishing, policies, programs, status
from tandem.training import repository as repo
from tandem.training.models import Completion, PhishingCampaign
from tandem.training.schemas import (
    AckCreate,
    CampaignCreate,
    CourseCreate,
    PolicyCreate,
    ProgramCreate,
    QuestionIn,
    Rule,
    VersionCreate,
)
from tests.training.conftest import TODAY, Org, make_person

DATA = Path(__file__).parent / "data"
ACTIVITY = "https://lms.acme.example/xapi/activities/sa-2026"


def _course(session: Session, org: Org, **extra: Any) -> Any:
    data = {"title": "Security Awareness 2026", "external_id": ACTIVITY, "validity_days": 365,
            "org_unit_id": org.root, **extra}  # fmt: skip
    return courses.create_course(session, None, CourseCreate.model_validate(data))


def _program(session: Session, org: Org, course: Any, rules: list[dict[str, Any]], **extra: Any) -> Any:
    data = ProgramCreate(title="Awareness", course_ids=[course.id], audience=[Rule(**r) for r in rules],
                         org_unit_id=org.root, **extra)  # fmt: skip
    return programs.create_program(session, None, data)


def _statuses(session: Session, program: Any) -> dict[str, str]:
    return {
        r["person"].full_name: r["status"] for r in status.status_rows(session, None) if r["program"].id == program.id
    }


def _open(session: Session, program: Any) -> dict[str, Any]:
    people = repo.people_by_ids(session, [a.person_id for a in repo.assignments_of(session, program.id)])
    return {people[a.person_id].full_name: a for a in repo.assignments_of(session, program.id)}


def test_audience_follows_joiners_movers_and_leavers(session: Session, org: Org) -> None:
    course = _course(session, org)
    clinical = _program(session, org, course, [{"kind": "department", "values": ["Clinical"]}])
    joiners = _program(session, org, course, [{"kind": "new_joiners", "days": 30}])
    assert set(_open(session, clinical)) == {"Ana Lopez", "Ben Ode"} and not _open(session, joiners)

    make_person(session, org.clinical, "Eva Novak", "Clinical", start_date=TODAY - dt.timedelta(days=3))
    kind = inventory.KINDS["people"]
    inventory.update_record(session, None, kind, org.people["ben"].id,
                            kind.update.model_validate({"employment_status": "terminated"}))  # fmt: skip
    inventory.update_record(session, None, kind, org.people["cara"].id,
                            kind.update.model_validate({"department": "Clinical"}))  # fmt: skip
    # The inventory's people events already applied the changes: the daily safety net finds nothing to do.
    total = programs.recompute_all(session)
    assert total == {"programs": 2, "assigned": 0, "reopened": 0, "closed": 0}
    rows = _open(session, clinical)
    assert rows["Ben Ode"].state == "closed" and rows["Ben Ode"].closed_reason == "left the organisation"
    assert rows["Cara Smith"].state == rows["Eva Novak"].state == "open"
    assert rows["Eva Novak"].reason == "department Clinical"
    assert [a.reason for a in repo.assignments_of(session, joiners.id)] == ["joined within 30 days"]
    assert programs.recompute_all(session)["assigned"] == 0  # idempotent


def test_statuses_completion_expiry_and_rates(session: Session, org: Org) -> None:
    course = _course(session, org)
    program = _program(session, org, course, [{"kind": "all"}])
    rows = _open(session, program)
    rows["Dev Patel"].due_date = TODAY - dt.timedelta(days=1)
    now = utcnow()
    for who, days in (("Ana Lopez", 10), ("Ben Ode", 350), ("Cara Smith", 400)):
        completions.add_completion(session, org.people[who.split()[0].lower()], course, now - dt.timedelta(days=days),
                                   90.0, True, "test")  # fmt: skip
    completions.add_completion(session, org.people["dev"], course, now, 40.0, False, "test")  # a failed attempt
    assert _statuses(session, program) == {"Ana Lopez": "completed", "Ben Ode": "expiring", "Cara Smith": "due",
                                           "Dev Patel": "overdue"}  # fmt: skip
    summary = status.summary(session, None)
    by_dept = {d["name"]: d for d in summary["departments"]}
    assert by_dept["Clinical"]["rate"] == 1.0 and by_dept["IT"]["rate"] == 0.0
    assert summary["overall"] == {"assigned": 4, "completed": 2, "overdue": 1, "expiring": 1, "rate": 0.5}
    assert [r["person"].full_name for r in summary["at_risk"]] == ["Dev Patel"]
    assert summary["trend"][-1]["rate"] == 0.5 and len(summary["trend"]) == 12


def _grant_phi(session: Session, org: Org, person: Any) -> None:
    """Give a person an account whose entitlement reaches a data store categorised as health data."""
    from tandem.access.models import Account, Entitlement, EntitlementStore, Identity, System
    from tandem.access.models import Assignment as Grant

    kind = inventory.KINDS["data-stores"]
    store = inventory.create_record(session, None, kind, kind.create.model_validate(
        {"name": "EHR database", "data_categories": ["health"], "org_unit_id": org.clinical}))  # fmt: skip
    system = System(key="ehr", name="EHR", org_unit_id=org.clinical)
    ident = Identity(employee_id="E1", email=person.email, org_unit_id=org.clinical)
    session.add_all([system, ident])
    session.flush()
    account = Account(system_id=system.id, external_id="a1", identity_id=ident.id, org_unit_id=org.clinical)
    role = Entitlement(system_id=system.id, external_id="clinician", org_unit_id=org.clinical)
    session.add_all([account, role])
    session.flush()
    session.add_all([EntitlementStore(entitlement_id=role.id, data_store_id=store.id, org_unit_id=org.clinical),
                     Grant(account_id=account.id, entitlement_id=role.id, org_unit_id=org.clinical)])  # fmt: skip
    session.flush()


def test_phi_audience_and_risk_flag_come_from_access_governance(session: Session, org: Org) -> None:
    course = _course(session, org)
    assert not _open(session, _program(session, org, course, [{"kind": "phi_access"}]))
    _grant_phi(session, org, org.people["ben"])
    program = _program(session, org, course, [{"kind": "phi_access"}])
    assert {n: a.reason for n, a in _open(session, program).items()} == {"Ben Ode": "access to PHI"}
    _open(session, program)["Ben Ode"].due_date = TODAY - dt.timedelta(days=1)
    [flagged] = status.summary(session, None)["at_risk"]
    assert (flagged["person"].full_name, flagged["phi"], flagged["score"]) == ("Ben Ode", True, 2)


def test_lms_imports_are_all_or_nothing_and_idempotent(session: Session, org: Org) -> None:
    _course(session, org)
    bad = (DATA / "lms_completions.csv").read_bytes() + b"zed@acme.example,Zed,Unknown course,2026-09-14T10:31:00Z,,\n"
    with pytest.raises(InvalidInput) as exc:
        completions.import_completions(session, None, bad, "lms.csv")
    assert {(e.location, e.reason.split(":")[0]) for e in exc.value.errors} == {("lms.csv:5", "email"),
                                                                                ("lms.csv:5", "course")}  # fmt: skip
    assert session.scalar(select(func.count()).select_from(Completion)) == 0
    good = (DATA / "lms_completions.csv").read_bytes()
    assert completions.import_completions(session, None, good, "lms.csv")["added"] == 3
    assert completions.import_completions(session, None, good, "lms.csv") == {
        "file": "lms.csv",
        "rows": 3,
        "added": 0,
        "skipped": 3,
    }
    result = completions.import_completions(session, None, (DATA / "xapi_statements.json").read_bytes(), "x.json")
    assert result["added"] == 2
    cara = session.scalars(select(Completion).where(Completion.person_id == org.people["cara"].id)).one()
    assert (cara.score, cara.passed, cara.course_version, cara.source) == (95.0, True, "1", "imported x.json")


def test_phishing_imports_metrics_and_remedial_training(session: Session, org: Org) -> None:
    remedial = _program(session, org, _course(session, org, title="Phishing refresher"),
                        [{"kind": "repeat_clickers"}])  # fmt: skip
    first = phishing.import_results(session, None, (DATA / "gophish_results.csv").read_bytes(), "results.csv",
                                    campaign="Q1 parcel", unit_id=org.root)  # fmt: skip
    assert (first["results"], first["matched"], first["unmatched"], first["remedial_assigned"]) == (5, 4, 1, 0)
    second = phishing.import_results(session, None, (DATA / "gophish_timeline.json").read_bytes(), "timeline.json",
                                     campaign="Q4 EHR", unit_id=org.root)  # fmt: skip
    assert second["remedial_assigned"] == 1
    assert [a.reason for a in repo.assignments_of(session, remedial.id)] == ["repeat phishing clicker"]
    assert phishing.repeat_clicker_ids(session, None) == {org.people["cara"].id}
    with pytest.raises(InvalidInput):
        phishing.import_results(session, None, b"email,sent_at\nx@acme.example,never\n", "g.csv", campaign="Bad",
                                unit_id=org.root)  # fmt: skip
    assert session.scalar(select(func.count()).select_from(PhishingCampaign)) == 2
    by_name = {c["name"]: c for c in phishing.overview_all(session)["campaigns"]}
    q4 = by_name["Q4 EHR"]
    assert (q4["click_rate"], q4["report_rate"], q4["minutes_to_first_report"]) == (0.6667, 0.3333, 6.2)
    assert q4["departments"]["Clinical"]["click_rate"] == 0.5  # departments come from the inventory


def test_policy_acknowledgements_and_review_flag(session: Session, org: Org) -> None:
    policy = policies.create_policy(session, None, PolicyCreate(
        title="Acceptable Use", review_date=TODAY - dt.timedelta(days=1), org_unit_id=org.root))  # fmt: skip
    with pytest.raises(InvalidInput):
        policies.launch_campaign(session, None, policy.id, CampaignCreate(due_date=TODAY))
    for summary in ("v1", "v2"):
        policies.publish_version(session, None, policy.id, VersionCreate(summary=summary))
    campaign = policies.launch_campaign(session, None, policy.id, CampaignCreate(due_date=TODAY))
    for who in ("ana", "cara", "dev"):
        policies.acknowledge(session, None, campaign.id, AckCreate(person_id=org.people[who].id))
    with pytest.raises(Conflict):
        policies.acknowledge(session, None, campaign.id, AckCreate(person_id=org.people["ana"].id))
    [row] = policies.ack_status(session, None)
    assert row["past_review"] and (row["campaign"].version, row["acknowledged"], row["audience"]) == (2, 3, 4)
    assert {d["name"]: d["rate"] for d in row["departments"]} == {"Clinical": 0.5, "IT": 1.0}


def test_evidence_csv_is_formula_safe_and_pdf_readable(session: Session, org: Org) -> None:
    course = _course(session, org, title="=HYPERLINK(\"http://evil.example\")", format="quiz",
                     questions=[QuestionIn(prompt="2+2?", choices=["3", "4"], correct=[1])])  # fmt: skip
    _program(session, org, course, [{"kind": "all"}])
    completions.add_completion(session, org.people["ana"], course, utcnow(), 100.0, True, "tandem quiz")
    text = evidence.csv_bytes(session, None).decode()
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text
    assert "completion,Ana Lopez,ana.lopez@acme.example,Clinical" in text
    pdf = PdfReader(io.BytesIO(evidence.pdf_bytes(session, None)))
    content = "".join(page.extract_text() for page in pdf.pages)
    assert "Security awareness training evidence" in content and "Ana Lopez" in content and "25.0%" in content


def test_periodic_jobs_run_across_units_without_arguments(session: Session, org: Org) -> None:
    from tandem.training import jobs

    program = _program(session, org, _course(session, org), [{"kind": "department", "values": ["IT"]}])
    eli = make_person(session, org.it, "Eli Wong", "IT")
    # A joiner the people event did not reach (e.g. written straight to the database) is caught by the daily job.
    for row in repo.assignments_of(session, program.id):
        if row.person_id == eli.id:
            session.delete(row)
    session.flush()
    assert jobs.recompute_job(None, session)["assigned"] == 1
    assert jobs.remind_job(None, session) == {"sent": 0}  # no SMTP server configured


def _times(session: Session, campaign_id: str) -> dict[str, tuple[Any, ...]]:
    rows = repo.results_of(session, [uuid.UUID(campaign_id)])
    return {r.email.split(".")[0]: tuple(getattr(r, t) for t in phishing.TIMES) for r in rows}


def test_reimporting_a_campaign_updates_it_keeping_the_earliest_times(session: Session, org: Org) -> None:
    original = (DATA / "gophish_results.csv").read_bytes()
    first = phishing.import_results(session, None, original, "results.csv", campaign="Q1 parcel", unit_id=org.root)
    before = _times(session, first["campaign_id"])
    # The same campaign downloaded a day later: Ana clicked and reported, Ben clicked (his row's time is now the
    # click, later than the open already held), Fay was added to the campaign; Dev's row is unchanged.
    later = original.decode().replace(
        "Email Sent,,0.000000,0.000000,2026-03-02T09:00:04.519243581Z,false,2026-03-02T09:00:04.519243581Z,ana",
        "Clicked Link,,0.000000,0.000000,2026-03-02T09:00:04.519243581Z,true,2026-03-03T08:00:00Z,ana",
    ).replace("Email Opened,198.51.100.23,0.000000,0.000000,2026-03-02T09:00:05.102938471Z,false,"
              "2026-03-02T09:41:17.339201284Z,ben", "Clicked Link,198.51.100.23,0.000000,0.000000,"
              "2026-03-02T09:00:05.102938471Z,false,2026-03-02T11:00:00Z,ben")  # fmt: skip
    later += "fQ1aZ2x,Email Sent,,0,0,2026-03-02T09:00:07Z,false,2026-03-02T09:00:07Z,fay.lin@acme.example,Fay,Lin,\n"
    again = phishing.import_results(session, None, later.encode(), "results.csv", campaign="Q1 parcel",
                                    unit_id=org.root)  # fmt: skip
    assert again["campaign_id"] == first["campaign_id"] and again["reimport"] is True
    assert (again["added"], again["updated"], again["unchanged"], again["results"]) == (1, 2, 3, 6)
    after = _times(session, first["campaign_id"])
    march3 = dt.datetime(2026, 3, 3, 8, tzinfo=dt.UTC)
    assert after["ana"][2:] == (march3, None, march3) and after["ana"][0] == before["ana"][0]
    assert after["ben"][1] == before["ben"][1]  # the open keeps its first time
    assert after["ben"][2] == dt.datetime(2026, 3, 2, 11, tzinfo=dt.UTC)
    assert after["dev"] == before["dev"] and "fay" in after
    event = session.execute(
        select(AuditEntry.changes).where(AuditEntry.action == "training.phishing_reimported",
                                         AuditEntry.entity_id == first["campaign_id"])
    ).scalar_one()  # fmt: skip
    assert {c["email"] for c in event["changes"]} == {"ana.lopez@acme.example", "ben.ode@acme.example"}
    assert event["added"] == 1 and event["file"] == "results.csv"

    broken = later.replace("fay.lin@acme.example", "not-an-address")  # all or nothing: nothing changes
    with pytest.raises(InvalidInput) as caught:
        phishing.import_results(session, None, broken.encode(), "results.csv", campaign="Q1 parcel", unit_id=org.root)
    assert caught.value.errors[0].location == "results.csv:7"
    assert _times(session, first["campaign_id"]) == after
    assert session.scalar(select(func.count()).select_from(PhishingCampaign)) == 1

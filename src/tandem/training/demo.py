"""Northwind Health's awareness program, created through the services: the annual HIPAA course (92 % complete,
Clinical behind), new-joiner and remedial programs, policies with an acknowledgement campaign, three phishing
simulations with improving report rates and a few repeat clickers."""

from __future__ import annotations

import datetime as dt
import json
import random
from typing import Any

from sqlalchemy.orm import Session

from tandem.inventory import service as inventory
from tandem.platform.db.types import utcnow
from tandem.platform.safety.csvsafe import write_csv
from tandem.training import completions, courses, documents, phishing, policies, programs
from tandem.training import repository as repo
from tandem.training.demo_data import (
    ACK_DEFAULT_RATE,
    ACK_RATES,
    CAMPAIGNS,
    COURSES,
    DOCUMENT_COURSE,
    DOCUMENT_NAME,
    DOCUMENT_TEXT,
    HIPAA_ACTIVITY,
    HIPAA_DEFAULT_RATE,
    HIPAA_RATES,
    NEW_JOINERS,
    POLICIES,
    QUESTIONS,
    REPEATERS,
)
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

SEED = 20261130


def load_demo(session: Session, org: Any) -> None:
    """Add the courses, programs, completions, policies and phishing campaigns."""
    rng, today, root = random.Random(SEED), utcnow().date(), org.root.id
    _new_joiners(session, org, today)
    made = {c["title"]: _course(session, root, c) for c in COURSES}
    document = _course(session, root, DOCUMENT_COURSE)
    documents.attach_document(session, None, document.id, DOCUMENT_TEXT.encode(), DOCUMENT_NAME)
    hipaa = programs.create_program(session, None, ProgramCreate(
        title="Annual HIPAA privacy & security training", course_ids=[made[COURSES[0]["title"]].id],
        audience=[Rule(kind="all")], due_days=30, org_unit_id=root,
        description="Every member of the workforce, every year (HIPAA 164.308(a)(5), 800-53 AT-2)."))  # fmt: skip
    _backdate(session, hipaa, today)
    _hipaa_completions(session, rng, hipaa, today)
    joiners = programs.create_program(session, None, ProgramCreate(
        title="New-joiner security basics", course_ids=[made[COURSES[1]["title"]].id],
        audience=[Rule(kind="new_joiners", days=30)], due_days=14, org_unit_id=root))  # fmt: skip
    for row in repo.assignments_of(session, joiners.id)[:2]:
        person = repo.people_by_ids(session, [row.person_id])[row.person_id]
        completions.add_completion(session, person, made[COURSES[1]["title"]], utcnow() - dt.timedelta(days=2),
                                   100.0, True, "tandem quiz")  # fmt: skip
    phi = programs.create_program(session, None, ProgramCreate(
        title="PHI handling for people with access to PHI", course_ids=[made["Minimum necessary: handling PHI"].id],
        audience=[Rule(kind="phi_access")], due_days=30, org_unit_id=root))  # fmt: skip
    _lms_csv_completions(session, rng, phi, made["Minimum necessary: handling PHI"], today)
    programs.create_program(session, None, ProgramCreate(
        title="Phishing refresher for repeat clickers", course_ids=[made["Phishing refresher"].id],
        audience=[Rule(kind="repeat_clickers")], due_days=14, org_unit_id=root))  # fmt: skip
    _policies(session, rng, org, today)
    _phishing(session, rng, root, today)


def _new_joiners(session: Session, org: Any, today: dt.date) -> None:
    kind = inventory.KINDS["people"]
    for first, last, dept, title, days in NEW_JOINERS:
        data = kind.create.model_validate({
            "full_name": f"{first} {last}", "email": f"{first}.{last}@northwind-health.example".lower(),
            "department": dept, "job_title": title, "org_unit_id": org.units[dept].id, "source": "demo",
            "start_date": today - dt.timedelta(days=days)})  # fmt: skip
        inventory.create_record(session, None, kind, data)


def _course(session: Session, root: Any, spec: dict[str, Any]) -> Any:
    refs = [r for r in spec.get("requirement_refs", []) if not courses.requirement_errors(session, [r])]
    questions = [QuestionIn(**q) for q in QUESTIONS.get(spec["title"], [])]
    data = CourseCreate(**{**spec, "requirement_refs": refs}, questions=questions, org_unit_id=root, source="demo")
    return courses.create_course(session, None, data)


def _backdate(session: Session, program: Any, today: dt.date) -> None:
    """Make the existing workforce's assignments date from the autumn campaign, due two weeks ago."""
    joined_recently = today - dt.timedelta(days=30)
    people = repo.people_by_ids(session, [a.person_id for a in repo.assignments_of(session, program.id)])
    for row in repo.assignments_of(session, program.id):
        start = people[row.person_id].start_date
        if start is None or start < joined_recently:
            row.assigned_at = utcnow() - dt.timedelta(days=75)
            row.due_date = today - dt.timedelta(days=14)
    session.flush()


def _hipaa_completions(session: Session, rng: random.Random, program: Any, today: dt.date) -> None:
    """Import the LMS's xAPI statements for the people who completed, per department share."""
    by_dept: dict[str, list[Any]] = {}
    people = repo.people_by_ids(session, [a.person_id for a in repo.assignments_of(session, program.id)])
    for person in sorted(people.values(), key=lambda p: p.email):
        by_dept.setdefault(person.department, []).append(person)
    statements = []
    for dept, members in sorted(by_dept.items()):
        done = rng.sample(members, round(len(members) * HIPAA_RATES.get(dept, HIPAA_DEFAULT_RATE)))
        for n, person in enumerate(done):
            # A few finished last year's edition eleven months ago: still valid, but expiring soon.
            days = 345 + n % 10 if n % 25 == 7 else rng.randint(16, 70)
            when = dt.datetime.combine(today - dt.timedelta(days=days), dt.time(9 + n % 8, n % 60), tzinfo=dt.UTC)
            statements.append({
                "actor": {"mbox": f"mailto:{person.email}", "name": person.full_name},
                "verb": {"id": "http://adlnet.gov/expapi/verbs/passed", "display": {"en-US": "passed"}},
                "object": {"id": HIPAA_ACTIVITY, "definition": {"name": {"en-US": "HIPAA 2026"}}},
                "result": {"score": {"scaled": round(rng.uniform(0.8, 1.0), 2)}, "success": True,
                           "completion": True}, "timestamp": when.isoformat().replace("+00:00", "Z")})  # fmt: skip
    completions.import_completions(session, None, json.dumps(statements).encode(), "lms-xapi-export.json", "xapi")


def _lms_csv_completions(session: Session, rng: random.Random, program: Any, course: Any, today: dt.date) -> None:
    """Import an LMS CSV export in which about seven in ten of the program's people passed the course."""
    people = repo.people_by_ids(session, [a.person_id for a in repo.assignments_of(session, program.id)])
    rows = []
    for person in sorted(people.values(), key=lambda p: p.email):
        if rng.random() < 0.7:
            when = dt.datetime.combine(today - dt.timedelta(days=rng.randint(1, 25)), dt.time(14), tzinfo=dt.UTC)
            rows.append(
                [person.email, person.full_name, course.title, when.isoformat(), rng.randint(75, 100), "passed"]
            )
    if rows:
        data = write_csv(rows, ["email", "name", "course", "completed_at", "score", "status"]).encode()
        completions.import_completions(session, None, data, "lms-export.csv", "csv")


def _policies(session: Session, rng: random.Random, org: Any, today: dt.date) -> None:
    staff = {p.department: p for p in repo.people_in(session, None) if p.job_title.startswith("Head of")}
    for spec in POLICIES:
        owner = staff.get(spec["owner_dept"])
        policy = policies.create_policy(session, None, PolicyCreate(
            title=spec["title"], description=spec["description"], owner_id=owner.id if owner else None,
            review_date=today + dt.timedelta(days=spec["review_in_days"]), org_unit_id=org.root.id))  # fmt: skip
        for summary in spec["versions"]:
            policies.publish_version(session, None, policy.id, VersionCreate(summary=summary))
        if spec["campaign"]:
            _ack_campaign(session, rng, policy, today)


def _ack_campaign(session: Session, rng: random.Random, policy: Any, today: dt.date) -> None:
    campaign = policies.launch_campaign(session, None, policy.id, CampaignCreate(due_date=today + dt.timedelta(
        days=10)))  # fmt: skip
    acks = repo.acks_of(session, [campaign.id], None)
    people = repo.people_by_ids(session, [a.person_id for a in acks])
    for ack in sorted(acks, key=lambda a: people[a.person_id].email):
        if rng.random() < ACK_RATES.get(people[ack.person_id].department, ACK_DEFAULT_RATE):
            when = utcnow() - dt.timedelta(hours=rng.randint(2, 20 * 24))
            policies.acknowledge(session, None, campaign.id, AckCreate(person_id=ack.person_id, acknowledged_at=when))


def _phishing(session: Session, rng: random.Random, root: Any, today: dt.date) -> None:
    people = sorted((p for p in repo.people_in(session, None) if programs.is_active(p, today)), key=lambda p: p.email)
    rng.shuffle(people)
    repeaters, cursor = people[:REPEATERS], REPEATERS
    for n, (name, days_ago, click, report, fmt) in enumerate(CAMPAIGNS):
        count = round(len(people) * click)
        again = repeaters if n < 2 else repeaters[:2]
        clickers = set(map(id, again)) | set(map(id, people[cursor : cursor + count - len(again)]))
        cursor += count - len(again)
        launch = dt.datetime.combine(today - dt.timedelta(days=days_ago), dt.time(9), tzinfo=dt.UTC)
        events = [_events(rng, p, launch, id(p) in clickers, report / (1 - click)) for p in people]
        data = _gophish_csv(events) if fmt == "gophish-csv" else _gophish_json(events)
        phishing.import_results(session, None, data, f"{name}.{fmt.rsplit('-', 1)[1]}", campaign=name, unit_id=root,
                                fmt=fmt, template=name.split(": ", 1)[1])  # fmt: skip


def _events(rng: random.Random, person: Any, launch: dt.datetime, clicks: bool, report: float) -> dict[str, Any]:
    """Return one recipient's timeline; report is the chance that someone who did not click reports."""
    sent = launch + dt.timedelta(seconds=rng.randint(0, 1800))
    out: dict[str, Any] = {"person": person, "sent": sent}
    if clicks or rng.random() < 0.35:
        out["opened"] = sent + dt.timedelta(minutes=rng.randint(2, 600))
    if clicks:
        out["clicked"] = out["opened"] + dt.timedelta(seconds=rng.randint(5, 300))
        if rng.random() < 0.45:
            out["submitted"] = out["clicked"] + dt.timedelta(seconds=rng.randint(20, 240))
    elif rng.random() < report:
        out["reported"] = sent + dt.timedelta(minutes=rng.randint(3, 900))
    return out


def _stamp(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000000000Z")


def _gophish_csv(rows: list[dict[str, Any]]) -> bytes:
    header = ["id", "status", "ip", "latitude", "longitude", "send_date", "reported", "modified_date", "email",
              "first_name", "last_name", "position"]  # fmt: skip
    lines = []
    for n, r in enumerate(rows):
        status = next(s for k, s in (("submitted", "Submitted Data"), ("clicked", "Clicked Link"),
                                     ("opened", "Email Opened"), ("sent", "Email Sent")) if k in r)  # fmt: skip
        last = r.get("reported") or r.get("submitted") or r.get("clicked") or r.get("opened") or r["sent"]
        first, _, last_name = r["person"].full_name.partition(" ")
        lines.append([f"r{n:04d}", status, "10.20.0.1" if "clicked" in r else "", "0", "0", _stamp(r["sent"]),
                      "true" if "reported" in r else "false", _stamp(last), r["person"].email, first, last_name,
                      r["person"].job_title])  # fmt: skip
    return write_csv(lines, header).encode()


def _gophish_json(rows: list[dict[str, Any]]) -> bytes:
    names = {"sent": "Email Sent", "opened": "Email Opened", "clicked": "Clicked Link", "submitted": "Submitted Data",
             "reported": "Email Reported"}  # fmt: skip
    timeline = [{"email": "", "time": _stamp(min(r["sent"] for r in rows)), "message": "Campaign Created",
                 "details": ""}]  # fmt: skip
    for r in rows:
        for key, message in names.items():
            if key in r:
                timeline.append(
                    {
                        "email": r["person"].email,
                        "time": _stamp(r[key]),
                        "message": message,
                        "details": "" if key != "submitted" else '{"payload": {"username": ["x"]}}',
                    }
                )
    timeline.sort(key=lambda e: e["time"])
    return json.dumps({"timeline": timeline}).encode()

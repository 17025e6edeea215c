"""`tandem training courses|programs|policies …`, `complete` and `link`: the records behind training, by hand."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Any

import typer
from pydantic import BaseModel, ValidationError

from tandem.platform.auth import service as auth_service
from tandem.platform.auth.principal import CONSOLE
from tandem.platform.cli.context import cli_uow
from tandem.platform.cli.output import Format, emit, format_option, say
from tandem.platform.db.types import utcnow
from tandem.platform.errors import FieldError, InvalidInput, NotFound
from tandem.training import completions, courses, policies, programs, reminders
from tandem.training import repository as repo
from tandem.training.engine.audience import describe
from tandem.training.importers.common import load_json
from tandem.training.schemas import (
    CampaignCreate,
    CompletionCreate,
    CourseCreate,
    PolicyCreate,
    ProgramCreate,
    ProgramUpdate,
    VersionCreate,
)

courses_app = typer.Typer(help="Courses: LMS links, documents and quizzes.", no_args_is_help=True)
programs_app = typer.Typer(help="Programs: courses assigned to an audience.", no_args_is_help=True)


def unit_id(session: Any, unit: str | None) -> uuid.UUID:
    """Return the id of the org unit named unit, or of the root unit when None."""
    if unit is None:
        root = auth_service.root_unit(session)
        if root is None:
            raise NotFound("no organisation yet; run `tandem init` first")
        return uuid.UUID(str(root.id))
    units = auth_service.units_named(session, unit)
    if len(units) != 1:
        raise NotFound(f"no single org unit named {unit!r}")
    return uuid.UUID(str(units[0].id))


# Schema fields whose command-line option has another name.
OPTION_OF = {"format": "kind", "duration_minutes": "duration", "requirement_refs": "requirement",
             "completed_at": "date", "course_ids": "course", "owner_id": "owner"}  # fmt: skip


def _valid(model: type[BaseModel], data: dict[str, Any]) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput([FieldError("--" + "-".join(OPTION_OF.get(str(p), str(p)) for p in e["loc"])
                                       .replace("_", "-"), e["msg"]) for e in exc.errors()]) from None  # fmt: skip


def _date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput.one(option, f"{value!r} is not a date (YYYY-MM-DD)") from None


def person_id(session: Any, ref: str) -> uuid.UUID:
    """Return the id of the person with this id or e-mail address."""
    try:
        wanted = uuid.UUID(ref.strip())
    except ValueError:
        found = policies.owner_by_email(session, ref, "person")
        if found is None:
            raise InvalidInput.one("person", "give the person's e-mail address or id") from None
        return found
    if not repo.people_by_ids(session, [wanted]):
        raise InvalidInput.one("person", f"no person with the id {ref}")
    return wanted


def _refuse(yes: bool, what: str) -> None:
    if not yes:
        raise InvalidInput.one("--yes", f"this deletes {what}; run again with --yes to confirm")


@courses_app.command("list")
def courses_list(fmt: Format = format_option()) -> None:
    """List the courses: format, version, validity and the requirements they satisfy."""
    with cli_uow(readonly=True) as session:
        rows = [{"id": c.id, "title": c.title, "format": c.format, "version": c.version,
                 "validity_days": c.validity_days or "", "requirements": ", ".join(c.requirement_refs)}
                for c in courses.visible_courses(session, CONSOLE)]  # fmt: skip
    emit(rows, ["id", "title", "format", "version", "validity_days", "requirements"], fmt, "Courses")


@courses_app.command("add")
def courses_add(
    title: str = typer.Argument(...),
    kind: str = typer.Option("link", "--kind", help="link, document or quiz"),
    url: str = typer.Option("", "--url", help="link to the LMS module"),
    external_id: str = typer.Option("", "--external-id", help="LMS course id or xAPI activity id (for imports)"),
    version: str = typer.Option("1", "--version"),
    duration: int = typer.Option(30, "--duration", help="minutes"),
    validity_days: int | None = typer.Option(None, "--validity-days", help="completions expire after (default: never)"),
    requirement: list[str] = typer.Option([], "--requirement", help="framework-key:ref it satisfies (repeatable)"),
    questions: Path | None = typer.Option(None, "--questions", exists=True, dir_okay=False,
                                          help="quiz: JSON list of {prompt, choices, correct}"),
    pass_mark: int = typer.Option(80, "--pass-mark", help="quiz: percent needed to pass"),
    unit: str | None = typer.Option(None, "--unit", help="org unit (default: the root)"),
) -> None:  # fmt: skip
    """Add a course (a quiz needs --questions; a document course's file comes with `course-document`)."""
    quiz: list[Any] = []
    if questions is not None:
        quiz = load_json(questions.read_bytes(), str(questions))
    with cli_uow() as session:
        data = _valid(CourseCreate, {"title": title, "format": kind, "url": url, "external_id": external_id,
                                     "version": version, "duration_minutes": duration, "validity_days": validity_days,
                                     "requirement_refs": requirement, "questions": quiz, "pass_mark": pass_mark,
                                     "org_unit_id": unit_id(session, unit)})  # fmt: skip
        course = courses.create_course(session, CONSOLE, data)
        message = f"added course {course.title!r} ({course.format}), id {course.id}"
    say(message)


@courses_app.command("delete")
def courses_delete(
    course: str = typer.Argument(..., help="the course's id or exact title"),
    yes: bool = typer.Option(False, "--yes", help="confirm"),
) -> None:
    """Delete a course with its questions, assignments and completions."""
    with cli_uow() as session:
        row = courses.find_course(session, CONSOLE, course)
        _refuse(yes, f"the course {row.title!r} with its assignments and completions")
        courses.delete_course(session, CONSOLE, row.id)
    say(f"deleted course {row.title!r}")


@programs_app.command("list")
def programs_list(fmt: Format = format_option()) -> None:
    """List the programs with their audience, courses and due rule."""
    with cli_uow(readonly=True) as session:
        found = programs.visible_programs(session, CONSOLE)
        titles = {c.id: c.title for c in courses.visible_courses(session, CONSOLE)}
        rows = [{"id": p.id, "title": p.title, "audience": describe(p.audience), "active": p.active,
                 "courses": ", ".join(titles.get(uuid.UUID(c), c) for c in p.course_ids),
                 "due": str(p.due_date) if p.due_date else f"{p.due_days} days"} for p in found]  # fmt: skip
    emit(rows, ["id", "title", "audience", "courses", "due", "active"], fmt, "Training programs")


def _rules(all_staff: bool, department: list[str], role: list[str], new_joiners: int | None,
           repeat_clickers: bool, phi_access: bool) -> list[dict[str, Any]]:  # fmt: skip
    rules: list[dict[str, Any]] = [{"kind": "all"}] if all_staff else []
    rules += [{"kind": "department", "values": department}] if department else []
    rules += [{"kind": "role", "values": role}] if role else []
    rules += [{"kind": "new_joiners", "days": new_joiners}] if new_joiners is not None else []
    rules += [{"kind": "repeat_clickers"}] if repeat_clickers else []
    return rules + ([{"kind": "phi_access"}] if phi_access else [])


@programs_app.command("add")
def programs_add(
    title: str = typer.Argument(...),
    course: list[str] = typer.Option(..., "--course", help="course id or exact title (repeatable)"),
    all_staff: bool = typer.Option(False, "--all-staff", help="everyone in the unit tree"),
    department: list[str] = typer.Option([], "--department", help="people of this department (repeatable)"),
    role: list[str] = typer.Option([], "--role", help="people with this job title (repeatable)"),
    new_joiners: int | None = typer.Option(None, "--new-joiners", help="people who started in the last N days"),
    repeat_clickers: bool = typer.Option(False, "--repeat-clickers", help="people who clicked in 2+ phishing tests"),
    phi_access: bool = typer.Option(False, "--phi-access", help="people with access to PHI systems"),
    due_days: int = typer.Option(30, "--due-days", help="days after assignment"),
    due_date: str | None = typer.Option(None, "--due-date", help="a fixed due date (YYYY-MM-DD)"),
    unit: str | None = typer.Option(None, "--unit", help="org unit (default: the root)"),
) -> None:  # fmt: skip
    """Add a program; its courses are assigned to the audience (any of the given rules) at once."""
    rules = _rules(all_staff, department, role, new_joiners, repeat_clickers, phi_access)
    if not rules:
        raise InvalidInput.one("audience", "name the audience: --all-staff, --department, --role, --new-joiners, "
                               "--repeat-clickers or --phi-access")  # fmt: skip
    with cli_uow() as session:
        ids = [str(courses.find_course(session, CONSOLE, c).id) for c in course]
        data = _valid(ProgramCreate, {"title": title, "course_ids": ids, "audience": rules, "due_days": due_days,
                                      "due_date": _date(due_date, "--due-date"),
                                      "org_unit_id": unit_id(session, unit)})  # fmt: skip
        program = programs.create_program(session, CONSOLE, data)
        assigned = len(repo.assignments_of(session, program.id))
        message = f"added program {program.title!r} ({describe(program.audience)}): {assigned} assignments"
    say(message)


@programs_app.command("deactivate")
def programs_deactivate(
    program: str = typer.Argument(..., help="the program's id or exact title"),
    undo: bool = typer.Option(False, "--activate", help="activate it again instead"),
) -> None:
    """Deactivate a program (its open assignments close) or, with --activate, reopen it."""
    with cli_uow() as session:
        row = programs.find_program(session, CONSOLE, program)
        programs.update_program(session, CONSOLE, row.id, ProgramUpdate(active=undo))
        message = f"program {row.title!r} is {'active' if undo else 'inactive'}"
    say(message)


@programs_app.command("delete")
def programs_delete(
    program: str = typer.Argument(..., help="the program's id or exact title"),
    yes: bool = typer.Option(False, "--yes", help="confirm"),
) -> None:
    """Delete a program with its assignments (completions stay: they are evidence)."""
    with cli_uow() as session:
        row = programs.find_program(session, CONSOLE, program)
        _refuse(yes, f"the program {row.title!r} with its assignments")
        programs.delete_program(session, CONSOLE, row.id)
    say(f"deleted program {row.title!r}")


def complete_cmd(
    person: str = typer.Argument(..., help="the person's e-mail address or id"),
    course: str = typer.Argument(..., help="the course's id or exact title"),
    date: str | None = typer.Option(None, "--date", help="when (YYYY-MM-DD; default: today)"),
    score: float | None = typer.Option(None, "--score", help="percent, 0-100"),
    failed: bool = typer.Option(False, "--failed", help="record a failed attempt"),
) -> None:
    """Record by hand that a person completed a course (e.g. classroom training)."""
    day = _date(date, "--date") or utcnow().date()
    with cli_uow() as session:
        row = courses.find_course(session, CONSOLE, course)
        data = _valid(CompletionCreate, {"person_id": person_id(session, person), "course_id": row.id,
                                         "completed_at": dt.datetime.combine(day, dt.time(12), dt.UTC),
                                         "score": score, "passed": not failed})  # fmt: skip
        completions.record_completion(session, CONSOLE, data)
    say(f"recorded: {person} {'failed' if failed else 'completed'} {row.title!r} on {day}")


def link_cmd(
    assignment: str | None = typer.Argument(None, help="the assignment's id"),
    person: str | None = typer.Option(None, "--person", help="instead: the person's e-mail address or id"),
    course: str | None = typer.Option(None, "--course", help="… and the course's id or exact title"),
) -> None:
    """Issue a secret quiz or document link for an open assignment and print it (to send by hand)."""
    if (assignment is None) == (person is None or course is None):
        raise InvalidInput.one("assignment", "give an assignment id, or --person and --course")
    with cli_uow() as session:
        if assignment is not None:
            try:
                wanted = uuid.UUID(assignment.strip())
            except ValueError:
                raise InvalidInput.one("assignment", f"{assignment!r} is not an assignment id") from None
            link = reminders.issue_assignment_link(session, CONSOLE, wanted)
        else:
            who, what = person_id(session, str(person)), courses.find_course(session, CONSOLE, str(course))
            link = reminders.issue_link_for(session, CONSOLE, who, what.id)
    say(f"{link['kind']} link for {link['person']} <{link['email']}> (expires in 60 days):")
    say(link["url"])


def policies_list(fmt: Format = format_option()) -> None:
    """List the policies: version, owner, review date."""
    with cli_uow(readonly=True) as session:
        found = [policies.to_read(p) for p in policies.visible_policies(session, CONSOLE)]
        owners = repo.people_by_ids(session, [p.owner_id for p in found if p.owner_id])
        rows = [{"id": p.id, "title": p.title, "version": p.current_version or "",
                 "owner": owners[p.owner_id].email if p.owner_id in owners else "", "review_date": p.review_date,
                 "past review": "yes" if p.past_review else "no"} for p in found]  # fmt: skip
    emit(rows, ["id", "title", "version", "owner", "review_date", "past review"], fmt, "Policies")


def policies_add(
    title: str = typer.Argument(...),
    owner: str = typer.Option("", "--owner", help="the owner's e-mail address"),
    review_date: str | None = typer.Option(None, "--review-date", help="next review (YYYY-MM-DD)"),
    description: str = typer.Option("", "--description"),
    unit: str | None = typer.Option(None, "--unit", help="org unit (default: the root)"),
) -> None:
    """Add a policy (then `policies publish` its first version)."""
    with cli_uow() as session:
        data = _valid(PolicyCreate, {"title": title, "description": description,
                                     "owner_id": policies.owner_by_email(session, owner, "--owner"),
                                     "review_date": _date(review_date, "--review-date"),
                                     "org_unit_id": unit_id(session, unit)})  # fmt: skip
        policy = policies.create_policy(session, CONSOLE, data)
        message = f"added policy {policy.title!r}, id {policy.id}"
    say(message)


def policies_publish(
    policy: str = typer.Argument(..., help="the policy's id or exact title"),
    summary: str = typer.Option("", "--summary", help="what changed"),
    url: str = typer.Option("", "--url", help="where the text is"),
    ack_by: str | None = typer.Option(None, "--ack-by", help="ask everyone to acknowledge it by (YYYY-MM-DD)"),
) -> None:
    """Publish the policy's next version; with --ack-by, launch its acknowledgement campaign."""
    with cli_uow() as session:
        row = policies.find_policy(session, CONSOLE, policy)
        version = policies.publish_version(session, CONSOLE, row.id, _valid(VersionCreate, {"summary": summary,
                                                                                          "url": url}))  # fmt: skip
        message = f"published version {version.number} of {row.title!r}"
        if ack_by is not None:
            campaign = _valid(CampaignCreate, {"due_date": _date(ack_by, "--ack-by"), "version": version.number})
            launched = policies.launch_campaign(session, CONSOLE, row.id, campaign)
            asked = len(repo.acks_of(session, [launched.id], None))
            message += f"; {asked} people asked to acknowledge it by {ack_by}"
    say(message)


def policies_acknowledge(
    policy: str = typer.Argument(..., help="the policy's id or exact title"),
    person: str = typer.Argument(..., help="the person's e-mail address or id"),
    date: str | None = typer.Option(None, "--date", help="when (YYYY-MM-DD; default: now)"),
) -> None:
    """Record by hand that a person acknowledged the policy's latest campaign (e.g. a signed form)."""
    day = _date(date, "--date")
    with cli_uow() as session:
        row = policies.find_policy(session, CONSOLE, policy)
        when = dt.datetime.combine(day, dt.time(12), dt.UTC) if day else None
        ack = policies.acknowledge_latest(session, CONSOLE, row.id, person_id(session, person), when)
        message = f"recorded: {person} acknowledged version {ack.version} of {row.title!r}"
    say(message)


def policies_delete(
    policy: str = typer.Argument(..., help="the policy's id or exact title"),
    yes: bool = typer.Option(False, "--yes", help="confirm"),
) -> None:
    """Delete a policy with its versions, campaigns and acknowledgements."""
    with cli_uow() as session:
        row = policies.find_policy(session, CONSOLE, policy)
        _refuse(yes, f"the policy {row.title!r} with its versions and acknowledgements")
        policies.delete_policy(session, CONSOLE, row.id)
    say(f"deleted policy {row.title!r}")


def register(app: typer.Typer, policies_app: typer.Typer) -> None:
    """Add these commands to `tandem training` and `tandem training policies`."""
    app.add_typer(courses_app, name="courses")
    app.add_typer(programs_app, name="programs")
    app.command("complete")(complete_cmd)
    app.command("link")(link_cmd)
    policies_app.command("list")(policies_list)
    policies_app.command("add")(policies_add)
    policies_app.command("publish")(policies_publish)
    policies_app.command("acknowledge")(policies_acknowledge)
    policies_app.command("delete")(policies_delete)

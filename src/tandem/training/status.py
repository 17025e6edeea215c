"""Where training stands: each assignment's status, completion rates by program, department and role, the
trend over time and the people at risk (overdue, repeat clicker)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session

from tandem.platform.auth.permissions import require, visible_unit_ids
from tandem.platform.auth.principal import Principal
from tandem.platform.db.types import utcnow
from tandem.training import actions, phishing, sensitive
from tandem.training import repository as repo
from tandem.training.models import Assignment, Program
from tandem.training.repository import TrainingRepository

EXPIRING_DAYS = 30
DONE = ("completed", "expiring")


def _valid_at(completed: dt.datetime, validity_days: int | None, moment: dt.datetime) -> bool:
    return completed <= moment and (validity_days is None or completed + dt.timedelta(days=validity_days) >= moment)


def status_of(row: Assignment, latest: dt.datetime | None, validity_days: int | None, today: dt.date) -> str:
    """Return closed, completed, expiring (valid but lapsing within 30 days), overdue or due."""
    if row.state == "closed":
        return "closed"
    end_of_today = dt.datetime.combine(today, dt.time.max, tzinfo=dt.UTC)
    if latest is not None and _valid_at(latest, validity_days, end_of_today):
        if validity_days is not None and latest.date() + dt.timedelta(days=validity_days - EXPIRING_DAYS) <= today:
            return "expiring"
        return "completed"
    return "overdue" if row.due_date < today else "due"


def _passes(session: Session, rows: list[Assignment]) -> dict[tuple[uuid.UUID, uuid.UUID], list[dt.datetime]]:
    """Return the passing completion times per (person, course) of the assignments."""
    out: dict[tuple[uuid.UUID, uuid.UUID], list[dt.datetime]] = defaultdict(list)
    people = list({r.person_id for r in rows})
    courses = list({r.course_id for r in rows})
    for person_id, course_id, when in repo.pass_times(session, people if len(people) < 5000 else None, courses):
        out[(person_id, course_id)].append(when)
    return out


def _latest_passes(session: Session, rows: list[Assignment]) -> dict[tuple[uuid.UUID, uuid.UUID], dt.datetime]:
    return {key: max(times) for key, times in _passes(session, rows).items()}


def status_rows(
    session: Session, unit_ids: list[uuid.UUID] | None, today: dt.date | None = None
) -> list[dict[str, Any]]:
    """Return every open assignment in the units with its person, program, course and status."""
    today = today or utcnow().date()
    rows = [r for r in TrainingRepository(session, Assignment).visible(None, state="open")
            if unit_ids is None or r.org_unit_id in unit_ids]  # fmt: skip
    people = repo.people_by_ids(session, [r.person_id for r in rows])
    courses = repo.courses_by_ids(session, list({r.course_id for r in rows}))
    programs = {p.id: p for p in TrainingRepository(session, Program).visible(None)}
    passes = _passes(session, rows)
    out = []
    for r in rows:
        person, course = people.get(r.person_id), courses.get(r.course_id)
        if person is None or course is None:
            continue
        times = passes.get((r.person_id, r.course_id), [])
        done = max(times) if times else None
        out.append({"assignment": r, "person": person, "course": course, "program": programs[r.program_id],
                    "department": person.department or "(none)", "role": person.job_title or "(none)",
                    "completed_at": done, "passes": times,
                    "status": status_of(r, done, course.validity_days, today)})  # fmt: skip
    return out


def _rates(rows: Iterable[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[row[key]].append(row)
    return [{"name": name, **rate(items)} for name, items in sorted(groups.items())]


def rate(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Return assigned, completed (incl. expiring), overdue and expiring counts and the completion rate."""
    counts = {s: sum(1 for r in rows if r["status"] == s) for s in ("completed", "expiring", "overdue", "due")}
    done = counts["completed"] + counts["expiring"]
    return {"assigned": len(rows), "completed": done, "overdue": counts["overdue"], "expiring": counts["expiring"],
            "rate": round(done / len(rows), 4) if rows else 0.0}  # fmt: skip


def trend(rows: list[dict[str, Any]], months: int = 12, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Return, for each of the last months, the share of today's assignments that were complete at month end."""
    today = today or utcnow().date()
    out = []
    for back in range(months - 1, -1, -1):
        year, month = divmod(today.year * 12 + today.month - 1 - back, 12)
        first_next = dt.date(year + (month == 11), (month + 1) % 12 + 1, 1)
        moment = dt.datetime.combine(min(first_next - dt.timedelta(days=1), today), dt.time.max, tzinfo=dt.UTC)
        done = sum(1 for r in rows if any(_valid_at(t, r["course"].validity_days, moment) for t in r["passes"]))
        out.append({"month": f"{year:04d}-{month + 1:02d}", "rate": round(done / len(rows), 4) if rows else 0.0})
    return out


def at_risk(session: Session, rows: list[dict[str, Any]], unit_ids: list[uuid.UUID] | None) -> list[dict[str, Any]]:
    """Return people with overdue training or repeated phishing clicks, most flags first; access to PHI (from
    access governance) is a third flag that raises their rank."""
    flags: dict[uuid.UUID, dict[str, Any]] = {}

    def entry(person: Any) -> dict[str, Any]:
        return flags.setdefault(person.id, {"person": person, "overdue": 0, "repeat_clicker": False, "phi": False})

    for r in rows:
        if r["status"] == "overdue":
            entry(r["person"])["overdue"] += 1
    for person in repo.people_by_ids(session, list(phishing.repeat_clicker_ids(session, None))).values():
        if unit_ids is None or person.org_unit_id in unit_ids:
            entry(person)["repeat_clicker"] = True
    phi = sensitive.phi_access_ids(session) if flags else set()
    for person_id, f in flags.items():
        f["phi"] = person_id in phi
    out = [{**f, "score": (f["overdue"] > 0) + f["repeat_clicker"] + f["phi"]} for f in flags.values()]
    return sorted(out, key=lambda f: (-f["score"], -f["overdue"], f["person"].full_name))


def visible_rows(session: Session, principal: Principal, program_id: uuid.UUID | None = None) -> list[dict[str, Any]]:
    """Return the status rows principal may see, optionally of one program."""
    require(session, principal, actions.VIEW.name)
    rows = status_rows(session, visible_unit_ids(session, principal, actions.VIEW.name))
    return [r for r in rows if program_id is None or r["program"].id == program_id]


def by_program(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the rates per program, by title."""
    groups: dict[Program, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[row["program"]].append(row)
    return [{"id": str(p.id), "name": p.title, **rate(items)}
            for p, items in sorted(groups.items(), key=lambda kv: kv[0].title)]  # fmt: skip


def summary(session: Session, principal: Principal | None, today: dt.date | None = None) -> dict[str, Any]:
    """Return the overall rate and rates by program, department and role, the trend and the people at risk."""
    units = None
    if principal is not None:
        require(session, principal, actions.VIEW.name)
        units = visible_unit_ids(session, principal, actions.VIEW.name)
    rows = status_rows(session, units, today)
    return {"overall": rate(rows), "programs": by_program(rows), "departments": _rates(rows, "department"),
            "roles": _rates(rows, "role"), "trend": trend(rows, today=today),
            "at_risk": at_risk(session, rows, units), "rows": rows}  # fmt: skip


def list_assignments(session: Session, principal: Principal, req: Any) -> Any:
    """List assignments principal may see, each with its computed status."""
    from tandem.platform.errors import InvalidInput

    require(session, principal, actions.VIEW.name)
    try:
        page = TrainingRepository(session, Assignment).list_page(principal, req)
    except (ValueError, KeyError):
        raise InvalidInput.one("query", "a filter value has the wrong type") from None
    rows = list(page.items)
    latest = _latest_passes(session, rows)
    courses = repo.courses_by_ids(session, list({r.course_id for r in rows}))
    today = utcnow().date()
    for r in rows:
        course = courses.get(r.course_id)
        r.status = status_of(r, latest.get((r.person_id, r.course_id)), course.validity_days if course else None, today)
    return page


def risk_out(entry: dict[str, Any]) -> dict[str, Any]:
    """Return an at-risk entry as JSON-ready values."""
    p = entry["person"]
    return {"person_id": str(p.id), "name": p.full_name, "email": p.email, "department": p.department,
            "overdue": entry["overdue"], "repeat_clicker": entry["repeat_clicker"], "phi_access": entry["phi"],
            "score": entry["score"]}  # fmt: skip


def get_assignment(session: Session, principal: Principal | None, assignment_id: uuid.UUID) -> Assignment:
    """Return an assignment principal may see."""
    from tandem.platform.errors import NotFound

    obj = TrainingRepository(session, Assignment).get(principal, assignment_id)
    if obj is None:
        raise NotFound("assignment not found")
    return obj

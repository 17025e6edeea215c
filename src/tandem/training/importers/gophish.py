"""GoPhish exports: the campaign results CSV (one row per recipient, the furthest status reached) and the
JSON timeline (one event per action with its exact time, or the API's {"results", "timeline"} object)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from tandem.platform.errors import FieldError
from tandem.training.importers.common import PhishingRow, csv_records, fail_if, load_json, parse_time, valid_email

CSV_COLUMNS = {"id", "status", "ip", "latitude", "longitude", "send_date", "reported", "modified_date", "email",
               "first_name", "last_name", "position"}  # fmt: skip
CSV_REQUIRED = {"status", "send_date", "email"}
# How far each status got: later statuses imply the earlier ones happened (at the latest by then).
STAGES = {"Scheduled": 0, "Sending": 0, "Error": 0, "Email Sent": 1, "Success": 1, "Email Opened": 2,
          "Clicked Link": 3, "Submitted Data": 4, "Email Reported": 1}  # fmt: skip
EVENTS = {"Email Sent": "sent_at", "Email Opened": "opened_at", "Clicked Link": "clicked_at",
          "Submitted Data": "submitted_at", "Email Reported": "reported_at"}  # fmt: skip
IGNORED_EVENTS = {"Campaign Created", "Error Sending Email", "Email Scheduled"}
TRUE, FALSE = {"true", "1", "yes"}, {"false", "0", "no", ""}


def parse_csv(data: bytes, name: str) -> list[PhishingRow]:
    """Parse GoPhish's results CSV; the time of the furthest status is modified_date."""
    rows, errors = [], []
    for line, rec in csv_records(data, name, CSV_REQUIRED, CSV_COLUMNS):
        where = f"{name}:{line}"
        try:
            rows.append(_csv_row(where, rec))
        except ValueError as exc:
            field, _, reason = str(exc).partition("|")
            errors.append(FieldError(where, f"{field}: {reason}"))
    fail_if(errors)
    return rows


def _field_time(rec: dict[str, str], field: str) -> dt.datetime | None:
    try:
        return parse_time(rec.get(field, ""))
    except ValueError as exc:
        raise ValueError(f"{field}|{exc}") from None


def _csv_row(where: str, rec: dict[str, str]) -> PhishingRow:
    try:
        email = valid_email(rec["email"])
    except ValueError as exc:
        raise ValueError(f"email|{exc}") from None
    status = rec["status"].strip()
    if status not in STAGES:
        raise ValueError(f"status|unknown status {status!r} (known: {', '.join(sorted(STAGES))})")
    reported = rec.get("reported", "").strip().lower()
    if reported not in TRUE | FALSE:
        raise ValueError("reported|must be true or false")
    sent, changed = _field_time(rec, "send_date"), _field_time(rec, "modified_date")
    stage = STAGES[status]
    at = changed or sent
    return PhishingRow(
        where, email, rec.get("first_name", "").strip(), rec.get("last_name", "").strip(),
        rec.get("position", "").strip(), "", sent if stage >= 1 else None,
        at if stage >= 2 else None, at if stage >= 3 else None, at if stage >= 4 else None,
        at if reported in TRUE or status == "Email Reported" else None,
    )  # fmt: skip


def parse_json(data: bytes, name: str) -> list[PhishingRow]:
    """Parse a GoPhish timeline: a list of events, or the campaign results object with "timeline"."""
    doc = load_json(data, name)
    people: dict[str, dict[str, str]] = {}
    if isinstance(doc, dict):
        for result in doc.get("results") or []:
            if isinstance(result, dict) and isinstance(result.get("email"), str):
                people[result["email"].strip().lower()] = {k: str(result.get(k) or "") for k in
                                                           ("first_name", "last_name", "position")}  # fmt: skip
        doc = doc.get("timeline")
    if not isinstance(doc, list):
        fail_if([FieldError(name, "expected a list of timeline events or an object with a 'timeline' list")])
    times: dict[str, dict[str, dt.datetime]] = defaultdict(dict)
    first_seen: dict[str, str] = {}
    errors: list[FieldError] = []
    for n, event in enumerate(doc):
        where = f"{name}:$[{n}]"
        try:
            found = _event(event)
        except ValueError as exc:
            errors.append(FieldError(where, str(exc)))
            continue
        if found is None:
            continue
        email, field, when = found
        first_seen.setdefault(email, where)
        if field not in times[email] or when < times[email][field]:
            times[email][field] = when
    fail_if(errors)
    return [_timeline_row(first_seen[e], e, t, people.get(e, {})) for e, t in times.items()]


def _event(event: Any) -> tuple[str, str, dt.datetime] | None:
    if not isinstance(event, dict):
        raise ValueError("each event must be an object with email, time and message")
    message = str(event.get("message") or "")
    if message in IGNORED_EVENTS:
        return None
    if message not in EVENTS:
        raise ValueError(f"message: unknown event {message!r} (known: {', '.join(EVENTS)})")
    try:
        email = valid_email(str(event.get("email") or ""))
    except ValueError as exc:
        raise ValueError(f"email: {exc}") from None
    try:
        when = parse_time(str(event.get("time") or ""))
    except ValueError as exc:
        raise ValueError(f"time: {exc}") from None
    if when is None:
        raise ValueError("time: missing")
    return email, EVENTS[message], when


def _timeline_row(where: str, email: str, t: dict[str, dt.datetime], who: dict[str, str]) -> PhishingRow:
    # A click without an "Email Opened" event (images blocked) still means the e-mail was opened.
    opened = t.get("opened_at") or t.get("clicked_at") or t.get("submitted_at")
    clicked = t.get("clicked_at") or t.get("submitted_at")
    return PhishingRow(where, email, who.get("first_name", ""), who.get("last_name", ""), who.get("position", ""),
                       "", t.get("sent_at"), opened, clicked, t.get("submitted_at"), t.get("reported_at"))  # fmt: skip

"""A generic phishing-results CSV: one row per recipient with the time of each action (empty: never)."""

from __future__ import annotations

from tandem.platform.errors import FieldError
from tandem.training.importers.common import PhishingRow, csv_records, fail_if, parse_time, valid_email

TIMES = ("sent_at", "opened_at", "clicked_at", "submitted_at", "reported_at")
COLUMNS = {"email", "first_name", "last_name", "department", "position", *TIMES}


def parse_csv(data: bytes, name: str) -> list[PhishingRow]:
    """Parse rows of email, optional names/department, and ISO 8601 times of each action."""
    rows, errors = [], []
    for line, rec in csv_records(data, name, {"email", "sent_at"}, COLUMNS):
        where = f"{name}:{line}"
        values = {}
        try:
            email = valid_email(rec["email"])
        except ValueError as exc:
            errors.append(FieldError(where, f"email: {exc}"))
            continue
        for field in TIMES:
            try:
                values[field] = parse_time(rec.get(field, ""))
            except ValueError as exc:
                errors.append(FieldError(where, f"{field}: {exc}"))
        if errors and errors[-1].location == where:
            continue
        if values["sent_at"] is None:
            errors.append(FieldError(where, "sent_at: required (when the e-mail was delivered)"))
            continue
        if values["submitted_at"] and not values["clicked_at"]:
            values["clicked_at"] = values["submitted_at"]
        rows.append(PhishingRow(where, email, rec.get("first_name", "").strip(), rec.get("last_name", "").strip(),
                                rec.get("position", "").strip(), rec.get("department", "").strip(),
                                **values))  # fmt: skip
    fail_if(errors)
    return rows

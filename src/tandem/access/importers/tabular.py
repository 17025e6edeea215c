"""Parse identities.csv, accounts.csv, entitlements.csv, assignments.csv and activity (CSV or JSON lines)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from tandem.access.importers.rows import (
    AccountRow,
    AssignmentRow,
    EntitlementRow,
    EventRow,
    IdentityRow,
    ParseFailed,
    one_of,
    to_bool,
    to_count,
    to_date,
    to_datetime,
)
from tandem.platform.safety import jsondoc
from tandem.platform.safety.csvsafe import read_csv
from tandem.platform.safety.errors import UnsafeInput

MAX_ROWS = 5_000_000
MAX_ERRORS = 200
IDENTITY_STATUSES = ("active", "terminated", "leave", "contractor")
ACCOUNT_STATUSES = ("enabled", "disabled")
ENTITLEMENT_TYPES = ("role", "group", "permission")
ACCESS_LEVELS = ("read", "write", "admin", "export")

# kind -> (required columns, optional columns); the names are the design note's exact headers.
COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "identities": (("employee_id",), ("email", "display_name", "department", "manager_id", "status", "end_date")),
    "accounts": (
        ("system", "account_id"),
        (
            "username",
            "email",
            "employee_id",
            "status",
            "created_at",
            "last_login_at",
            "is_privileged",
            "is_service_account",
            "owner_employee_id",
        ),
    ),
    "entitlements": (
        ("system", "entitlement_id"),
        ("name", "type", "owner_employee_id", "privileged", "description", "includes", "data_stores"),
    ),
    "assignments": (("system", "account_id", "entitlement_id"), ("granted_at", "granted_by", "last_used_at")),
    "activity": (
        ("time", "system", "action"),
        ("identity", "account", "object", "source_ip", "country", "bytes", "records"),
    ),
}
KINDS = tuple(COLUMNS)


def _identity(r: dict[str, str]) -> IdentityRow:
    return IdentityRow(
        employee_id=r["employee_id"],
        email=r.get("email", "").lower(),
        display_name=r.get("display_name", ""),
        department=r.get("department", ""),
        manager_id=r.get("manager_id", ""),
        status=one_of(r.get("status", ""), IDENTITY_STATUSES, "active"),
        end_date=to_date(r.get("end_date", "")),
    )


def _account(r: dict[str, str]) -> AccountRow:
    return AccountRow(
        system=r["system"],
        account_id=r["account_id"],
        username=r.get("username", ""),
        email=r.get("email", "").lower(),
        employee_id=r.get("employee_id", ""),
        status=one_of(r.get("status", ""), ACCOUNT_STATUSES, "enabled"),
        created_at=to_datetime(r.get("created_at", "")),
        last_login_at=to_datetime(r.get("last_login_at", "")),
        is_privileged=to_bool(r.get("is_privileged", "")),
        is_service_account=to_bool(r.get("is_service_account", "")),
        owner_employee_id=r.get("owner_employee_id", ""),
    )


def _stores(raw: str) -> tuple[tuple[str, str], ...]:
    """Parse "EHR database:read; Billing database:export" (access defaults to read)."""
    out = []
    for part in (p.strip() for p in raw.split(";")):
        if not part:
            continue
        name, _, level = part.rpartition(":") if ":" in part else (part, "", "read")
        out.append((name.strip(), one_of(level, ACCESS_LEVELS, "read")))
    return tuple(out)


def _entitlement(r: dict[str, str]) -> EntitlementRow:
    return EntitlementRow(
        system=r["system"],
        entitlement_id=r["entitlement_id"],
        name=r.get("name", "") or r["entitlement_id"],
        type=one_of(r.get("type", ""), ENTITLEMENT_TYPES, "permission"),
        owner_employee_id=r.get("owner_employee_id", ""),
        privileged=to_bool(r.get("privileged", "")),
        description=r.get("description", ""),
        includes=tuple(p.strip() for p in r.get("includes", "").split(";") if p.strip()),
        data_stores=_stores(r.get("data_stores", "")),
    )


def _assignment(r: dict[str, str]) -> AssignmentRow:
    return AssignmentRow(
        system=r["system"],
        account_id=r["account_id"],
        entitlement_id=r["entitlement_id"],
        granted_at=to_datetime(r.get("granted_at", "")),
        granted_by=r.get("granted_by", ""),
        last_used_at=to_datetime(r.get("last_used_at", "")),
    )


def _event(r: dict[str, str]) -> EventRow:
    moment = to_datetime(r["time"])
    if moment is None:
        raise ValueError("time is required")
    if not (r.get("identity", "") or r.get("account", "")):
        raise ValueError("give the identity (employee id) or the account")
    return EventRow(
        time=moment,
        system=r["system"],
        action=r["action"].strip().lower(),
        identity=r.get("identity", ""),
        account=r.get("account", ""),
        object=r.get("object", ""),
        source_ip=r.get("source_ip", ""),
        country=r.get("country", "").strip().upper()[:2],
        bytes=to_count(r.get("bytes", "")),
        records=to_count(r.get("records", "")),
    )


BUILDERS: dict[str, Callable[[dict[str, str]], Any]] = {
    "identities": _identity,
    "accounts": _account,
    "entitlements": _entitlement,
    "assignments": _assignment,
    "activity": _event,
}
KEYS: dict[str, tuple[str, ...]] = {
    "identities": ("employee_id",),
    "accounts": ("system", "account_id"),
    "entitlements": ("system", "entitlement_id"),
    "assignments": ("system", "account_id", "entitlement_id"),
}


def _json_lines(data: bytes, name: str, columns: set[str]) -> list[tuple[int, dict[str, str]]]:
    try:
        text = data.decode("utf-8", errors="strict")
    except UnicodeDecodeError:
        raise ParseFailed([(name, "the file is not UTF-8 text")]) from None
    rows = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = jsondoc.load_json(line, name, max_bytes=len(line))  # depth-bounded
        except UnsafeInput as exc:
            raise ParseFailed([(f"{name}:{n}", f"not valid JSON: {exc.reason}")]) from None
        if not isinstance(obj, dict):
            raise ParseFailed([(f"{name}:{n}", "each line must be a JSON object")])
        unknown = sorted(set(obj) - columns)
        if unknown:
            raise ParseFailed([(f"{name}:{n}:{unknown[0]}", "unknown field")])
        nested = sorted(k for k, v in obj.items() if isinstance(v, dict | list))
        if nested:
            raise ParseFailed([(f"{name}:{n}:{nested[0]}", "must be a text, number or boolean")])
        rows.append((n, {k: "" if v is None else str(v) for k, v in obj.items()}))
    return rows


def _records(kind: str, data: bytes, name: str) -> list[tuple[int, dict[str, str]]]:
    required, optional = COLUMNS[kind]
    if kind == "activity" and data.lstrip()[:1] == b"{":
        return _json_lines(data, name, set(required) | set(optional))
    try:
        rows = read_csv(data, name, set(required), set(required) | set(optional), max_rows=MAX_ROWS)
    except UnicodeDecodeError:
        raise ParseFailed([(name, "the file is not UTF-8 text")]) from None
    except UnsafeInput as exc:
        raise ParseFailed([(exc.location or name, exc.reason)]) from None
    return [(n + 2, {k: v.strip() for k, v in row.items()}) for n, row in enumerate(rows)]


def parse_file(kind: str, data: bytes, name: str) -> list[Any]:
    """Parse one file of a kind into rows; every problem (up to 200) is reported with file:line:column."""
    if kind not in COLUMNS:
        raise ParseFailed([("kind", f"must be one of {', '.join(KINDS)}")])
    required = COLUMNS[kind][0]
    out: list[Any] = []
    errors: list[tuple[str, str]] = []
    seen: dict[tuple[str, ...], int] = {}
    for line, raw in _records(kind, data, name):
        missing = [c for c in required if not raw.get(c)]
        if missing:
            errors.append((f"{name}:{line}:{missing[0]}", "is required"))
        else:
            try:
                row = BUILDERS[kind](raw)
                if kind == "activity":
                    row = dataclasses.replace(row, line=line)
            except ValueError as exc:
                errors.append((f"{name}:{line}:{_column_of(raw, exc)}", str(exc)))
                row = None
            if row is not None and kind in KEYS:
                key = tuple(raw[c].lower() for c in KEYS[kind])
                if key in seen:
                    errors.append((f"{name}:{line}:{KEYS[kind][-1]}", f"duplicate of line {seen[key]}"))
                seen.setdefault(key, line)
            out.append(row)
        if len(errors) >= MAX_ERRORS:
            break
    if errors:
        raise ParseFailed(errors)
    return out


def _column_of(raw: dict[str, str], exc: ValueError) -> str:
    """Name the column a converter rejected, by re-running each converter on its own cell."""
    checks: list[tuple[str, Callable[[str], Any]]] = [
        ("status", lambda v: one_of(v, IDENTITY_STATUSES + ACCOUNT_STATUSES, "active")),
        ("type", lambda v: one_of(v, ENTITLEMENT_TYPES, "permission")),
        ("data_stores", _stores),
    ]
    for column in raw:
        if column.endswith(("_at", "_date")) or column == "time":
            checks.append((column, to_datetime))
        elif column.startswith("is_") or column == "privileged":
            checks.append((column, to_bool))
        elif column in ("bytes", "records"):
            checks.append((column, to_count))
    for column, check in checks:
        if column in raw:
            try:
                check(raw[column])
            except ValueError:
                return column
    return "identity" if "time" in raw else "row"

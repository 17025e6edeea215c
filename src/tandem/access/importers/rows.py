"""The typed rows the access parsers produce, the located failure, and value converters."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

TRUE = frozenset({"true", "yes", "y", "1", "t"})
FALSE = frozenset({"false", "no", "n", "0", "f", ""})


class ParseFailed(ValueError):
    """The input has problems; errors are (location, reason) pairs, location as file:line:column."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{loc}: {why}" for loc, why in errors[:5]))
        self.errors = errors


@dataclass(frozen=True)
class IdentityRow:
    """identities.csv: one person as HR knows them."""

    employee_id: str
    email: str = ""
    display_name: str = ""
    department: str = ""
    manager_id: str = ""
    status: str = "active"
    end_date: dt.date | None = None


@dataclass(frozen=True)
class AccountRow:
    """accounts.csv: one account on a system."""

    system: str
    account_id: str
    username: str = ""
    email: str = ""
    employee_id: str = ""
    status: str = "enabled"
    created_at: dt.datetime | None = None
    last_login_at: dt.datetime | None = None
    is_privileged: bool = False
    is_service_account: bool = False
    owner_employee_id: str = ""


@dataclass(frozen=True)
class EntitlementRow:
    """entitlements.csv: a role, group or permission; optional includes and data stores it reaches."""

    system: str
    entitlement_id: str
    name: str = ""
    type: str = "permission"
    owner_employee_id: str = ""
    privileged: bool = False
    description: str = ""
    includes: tuple[str, ...] = ()
    data_stores: tuple[tuple[str, str], ...] = ()  # (data store name, read | write | admin | export)


@dataclass(frozen=True)
class AssignmentRow:
    """assignments.csv: an entitlement held by an account."""

    system: str
    account_id: str
    entitlement_id: str
    granted_at: dt.datetime | None = None
    granted_by: str = ""
    last_used_at: dt.datetime | None = None


@dataclass(frozen=True)
class EventRow:
    """One activity event (CSV row or JSON line)."""

    time: dt.datetime
    system: str
    action: str
    identity: str = ""
    account: str = ""
    object: str = ""
    source_ip: str = ""
    country: str = ""
    bytes: int = 0
    records: int = 0
    line: int = 0
    extra: dict[str, str] = field(default_factory=dict)


def to_bool(raw: str) -> bool:
    """Parse yes/no, true/false, 1/0 (empty is false)."""
    value = raw.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ValueError("must be true or false")


def to_datetime(raw: str) -> dt.datetime | None:
    """Parse an ISO 8601 date or time (empty is None); naive times are UTC."""
    value = raw.strip()
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError("must be an ISO 8601 date or time, e.g. 2026-11-27T08:30:00Z") from None
    return parsed.replace(tzinfo=dt.UTC) if parsed.tzinfo is None else parsed.astimezone(dt.UTC)


def to_date(raw: str) -> dt.date | None:
    """Parse an ISO 8601 date (a time part is dropped; empty is None)."""
    moment = to_datetime(raw)
    return moment.date() if moment else None


def to_count(raw: str) -> int:
    """Parse a non-negative whole number (empty is 0)."""
    value = raw.strip().replace(",", "").replace("_", "")
    if not value:
        return 0
    if not value.isdigit():
        raise ValueError("must be a whole number of zero or more")
    return int(value)


def one_of(raw: str, allowed: tuple[str, ...], default: str) -> str:
    """Return the lower-cased value if allowed (empty gives default)."""
    value = raw.strip().lower() or default
    if value not in allowed:
        raise ValueError(f"must be one of {', '.join(allowed)}")
    return value

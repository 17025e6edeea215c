"""Activity rules: inactive accounts in use, bulk sensitive reads, off-hours PHI, impossible travel,
privilege grants outside change windows, bank-detail change then payment approval by the same person."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

GRANT_ACTIONS = frozenset({"grant", "grant_privilege", "privilege_grant", "role_assign", "add_member", "add_role"})
READ_ACTIONS = frozenset({"read", "export", "download", "query", "view"})
BANK_CHANGE = frozenset({"vendor_bank_change", "change_vendor_bank", "update_vendor_bank"})
APPROVE = frozenset({"payment_approve", "approve_payment"})
VENDOR = re.compile(r"vendor:([\w.\-]+)", re.IGNORECASE)


@dataclass(frozen=True)
class Event:
    """One event with what the rules need to know about its actor and target."""

    ref: int
    time: dt.datetime
    who: str  # identity key, or "account:<id>" for uncorrelated accounts
    system: str
    action: str
    object: str = ""
    country: str = ""
    records: int = 0
    bytes: int = 0
    sensitive: bool = False  # the object or system holds PHI / sensitive data
    inactive: str = ""  # "terminated" | "dormant" | "disabled" | ""
    windows: tuple[tuple[int, int, int], ...] = ()  # the system's change windows (weekday, start, end)


@dataclass
class Rules:
    """Thresholds of the rules."""

    bulk_min_records: int = 1000
    bulk_factor: float = 5.0
    work_start: int = 7
    work_end: int = 19
    travel_hours: float = 2.0
    payment_days: int = 7


@dataclass
class Signal:
    """A rule hit: kind, stable key, severity, the event refs, a title and the evidence."""

    kind: str
    key: str
    severity: str
    who: str
    title: str
    refs: list[int] = field(default_factory=list)
    evidence: dict[str, Any] = field(default_factory=dict)


def _inactive(events: list[Event]) -> list[Signal]:
    return [
        Signal(
            "activity.inactive_account",
            f"inactive:{e.ref}",
            "high",
            e.who,
            f"{e.action} on {e.system} by a {e.inactive} account",
            [e.ref],
            {"status": e.inactive, "object": e.object, "time": e.time.isoformat()},
        )
        for e in events
        if e.inactive
    ]


def _bulk(events: list[Event], rules: Rules) -> list[Signal]:
    daily: dict[str, dict[dt.date, list[Event]]] = defaultdict(lambda: defaultdict(list))
    for e in events:
        if e.sensitive and e.action in READ_ACTIONS:
            daily[e.who][e.time.date()].append(e)
    out = []
    for who, days in daily.items():
        totals = {d: sum(e.records for e in evs) for d, evs in days.items()}
        for day, total in totals.items():
            others = [v for d, v in totals.items() if d != day]
            norm = statistics.median(others) if others else 0
            if total >= rules.bulk_min_records and total > rules.bulk_factor * max(norm, 1):
                out.append(
                    Signal(
                        "activity.bulk_sensitive_read",
                        f"bulk:{who}:{day}",
                        "high",
                        who,
                        f"Read or exported {total:,} sensitive records on {day} (norm {norm:,.0f}/day)",
                        [e.ref for e in days[day]],
                        {
                            "records": total,
                            "norm_per_day": norm,
                            "day": day.isoformat(),
                            "objects": sorted({e.object for e in days[day]})[:10],
                        },
                    )
                )
    return out


def _off_hours(events: list[Event], rules: Rules) -> list[Signal]:
    out = []
    for e in events:
        off = e.time.weekday() >= 5 or not rules.work_start <= e.time.hour < rules.work_end
        if e.sensitive and off:
            out.append(
                Signal(
                    "activity.off_hours_phi",
                    f"offhours:{e.ref}",
                    "medium",
                    e.who,
                    f"{e.action} of sensitive data on {e.system} at {e.time:%a %H:%M} UTC",
                    [e.ref],
                    {"object": e.object, "time": e.time.isoformat(), "records": e.records},
                )
            )
    return out


def _travel(events: list[Event], rules: Rules) -> list[Signal]:
    by_who: dict[str, list[Event]] = defaultdict(list)
    for e in events:
        if e.country:
            by_who[e.who].append(e)
    out = []
    for who, evs in by_who.items():
        evs.sort(key=lambda e: e.time)
        for a, b in itertools.pairwise(evs):
            hours = (b.time - a.time).total_seconds() / 3600
            if a.country != b.country and hours < rules.travel_hours:
                out.append(
                    Signal(
                        "activity.impossible_travel",
                        f"travel:{who}:{a.ref}:{b.ref}",
                        "high",
                        who,
                        f"Seen in {a.country} then {b.country} {hours * 60:.0f} minutes later",
                        [a.ref, b.ref],
                        {
                            "from": a.country,
                            "to": b.country,
                            "minutes": round(hours * 60),
                            "at": [a.time.isoformat(), b.time.isoformat()],
                        },
                    )
                )
    return out


def _in_window(e: Event) -> bool:
    return any(e.time.weekday() == day and start <= e.time.hour < end for day, start, end in e.windows)


def _grants(events: list[Event]) -> list[Signal]:
    return [
        Signal(
            "activity.grant_outside_window",
            f"grant:{e.ref}",
            "medium",
            e.who,
            f"Privilege grant on {e.system} outside its change windows ({e.time:%a %H:%M} UTC)",
            [e.ref],
            {"object": e.object, "time": e.time.isoformat()},
        )
        for e in events
        if e.action in GRANT_ACTIONS and e.windows and not _in_window(e)
    ]


def _payments(events: list[Event], rules: Rules) -> list[Signal]:
    changes: dict[tuple[str, str], list[Event]] = defaultdict(list)
    out = []
    for e in sorted(events, key=lambda e: e.time):
        vendor = VENDOR.search(e.object)
        if vendor is None:
            continue
        key = (e.who, vendor.group(1).lower())
        if e.action in BANK_CHANGE:
            changes[key].append(e)
        elif e.action in APPROVE:
            for c in changes.get(key, []):
                if dt.timedelta(0) <= e.time - c.time <= dt.timedelta(days=rules.payment_days):
                    out.append(
                        Signal(
                            "activity.payment_sequence",
                            f"payment:{c.ref}:{e.ref}",
                            "critical",
                            e.who,
                            f"Changed vendor {vendor.group(1)}'s bank details, then approved its payment",
                            [c.ref, e.ref],
                            {
                                "vendor": vendor.group(1),
                                "changed_at": c.time.isoformat(),
                                "approved_at": e.time.isoformat(),
                                "payment": e.object,
                            },
                        )
                    )
    return out


def run_rules(events: list[Event], rules: Rules | None = None) -> list[Signal]:
    """Return every rule hit over the events."""
    rules = rules or Rules()
    return [
        *_inactive(events),
        *_bulk(events, rules),
        *_off_hours(events, rules),
        *_travel(events, rules),
        *_grants(events),
        *_payments(events, rules),
    ]

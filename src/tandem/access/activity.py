"""Activity events: import (CSV or JSON lines), then the fraud and misuse rules and the per-system model;
hits become findings ("signals") with evidence and the usual lifecycle."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.access import actions, imports
from tandem.access import repository as repo
from tandem.access.anomaly import Event, Signal, outliers, run_rules
from tandem.access.importers.rows import EventRow
from tandem.access.models import Account, Finding, Identity, ImportRun, System
from tandem.access.units import home_unit, require_in_unit
from tandem.platform.auth.principal import Principal
from tandem.platform.db.types import utcnow
from tandem.platform.errors import FieldError, InvalidInput

SENSITIVE = frozenset({"health", "government-id", "payment-card", "financial", "genetic", "biometric", "children"})
WINDOW_DAYS = 35


def import_events(
    session: Session, principal: Principal | None, data: bytes, name: str, unit_id: uuid.UUID | None = None
) -> ImportRun:
    """Store the events (all or none), then run the rules; return the import run with event and signal counts."""
    rows: list[EventRow] = imports.parse("activity", data, name)
    with session.begin_nested():
        return _store_events(session, principal, rows, name, unit_id)


def _store_events(
    session: Session, principal: Principal | None, rows: list[EventRow], name: str, unit_id: uuid.UUID | None
) -> ImportRun:
    unit = unit_id or home_unit(session)
    require_in_unit(session, principal, unit, actions.IMPORT.name, "query.unit_id")
    systems = {s.key.lower(): s for s in session.scalars(select(System))}
    errors = [FieldError(f"{name}:{r.line}:system", "no such system") for r in rows if r.system.lower() not in systems]
    if errors:
        raise InvalidInput(errors[:200])
    idents = repo.identities_by_employee(session)
    accounts = {
        (a.system_id, k.lower()): a for a in session.scalars(select(Account)) for k in (a.external_id, a.username) if k
    }
    who = principal.username if principal is not None else "console"
    run = repo.AccessRepository(session, ImportRun).add(
        ImportRun(kind="activity", source=name[:500], org_unit_id=unit, requested_by=who[:200])
    )
    out = []
    for r in rows:
        system = systems[r.system.lower()]
        account = accounts.get((system.id, r.account.lower())) if r.account else None
        ident = idents.get(r.identity.lower()) if r.identity else None
        ident_id = ident.id if ident else (account.identity_id if account else None)
        out.append(
            {
                "id": uuid.uuid4(),
                "org_unit_id": unit,
                "import_id": run.id,
                "at": r.time,
                "system_id": system.id,
                "account_id": account.id if account else None,
                "identity_id": ident_id,
                "actor": (r.identity or r.account)[:200],
                "action": r.action[:100],
                "object": r.object[:500],
                "source_ip": r.source_ip[:64],
                "country": r.country,
                "bytes": r.bytes,
                "records": r.records,
            }
        )
    repo.add_events(session, out)
    session.flush()
    counts = detect(session)
    run.counts = {"rows": len(rows), "unmatched": sum(1 for e in out if e["identity_id"] is None), **counts}
    session.flush()
    return run


def _context(session: Session, rows: list[Any]) -> dict[str, Any]:
    """Return what the rules need about the events' people, accounts and systems (only those: the job runs over
    hundreds of thousands of accounts, and loading them all as objects would dominate the analysis)."""
    stores = [name.lower() for _, name, cats, _ in repo.stores(session, None) if SENSITIVE & set(cats)]
    account_ids = {e.account_id for e in rows if e.account_id}
    return {
        "stores": stores,
        "dormant": repo.dormant_accounts(session, account_ids),
        "idents": repo.by_ids(session, Identity, {e.identity_id for e in rows}),
        "accounts": repo.by_ids(session, Account, account_ids),
        "systems": {s.id: s for s in session.scalars(select(System))},
    }


def _event(e: Any, ctx: dict[str, Any]) -> Event:
    ident = ctx["idents"].get(e.identity_id)
    account = ctx["accounts"].get(e.account_id)
    system = ctx["systems"].get(e.system_id)
    inactive = ""
    if ident is not None and (ident.status == "terminated" or (ident.end_date and ident.end_date < e.at.date())):
        inactive = "terminated"
    elif account is not None and account.status == "disabled":
        inactive = "disabled"
    elif e.account_id in ctx["dormant"]:
        inactive = "dormant"
    obj = e.object.lower()
    sensitive = any(name in obj for name in ctx["stores"]) or obj.startswith(("phi:", "patient"))
    windows = tuple((w["weekday"], w["start"], w["end"]) for w in (system.change_windows if system else []) or [])
    who = str(e.identity_id) if e.identity_id else f"account:{e.account_id or e.actor}"
    return Event(
        ref=len(ctx.setdefault("refs", [])),
        time=e.at,
        who=who,
        system=system.key if system else "",
        action=e.action,
        object=e.object,
        country=e.country,
        records=e.records,
        bytes=e.bytes,
        sensitive=sensitive,
        inactive=inactive,
        windows=windows,
    )


def detect(session: Session) -> dict[str, int]:
    """Run the rules and the per-system model over recent events; store new signals as findings."""
    rows = repo.recent_events(session, WINDOW_DAYS)
    ctx = _context(session, rows)
    events = []
    for row in rows:
        events.append(_event(row, ctx))
        ctx["refs"].append(row)
    signals = run_rules(events) + outliers(events)
    return _store(session, signals, ctx)


def _store(session: Session, signals: list[Signal], ctx: dict[str, Any]) -> dict[str, int]:
    existing = {f.key: f for f in session.scalars(select(Finding).where(Finding.kind.like("activity.%")))}
    root = home_unit(session)
    by_key = {s.key: s for s in ctx["systems"].values()}
    new, seen = 0, set()
    for sig in signals:
        if sig.key in seen:
            continue
        seen.add(sig.key)
        if sig.key in existing:
            existing[sig.key].last_seen_at = utcnow()
            continue
        events = [ctx["refs"][r] for r in sig.refs]
        ident_id = uuid.UUID(sig.who) if not sig.who.startswith("account:") else None
        ident = ctx["idents"].get(ident_id)
        account_id = next((e.account_id for e in events if e.account_id), None)
        system = by_key.get(sig.evidence.get("system", "")) or (
            ctx["systems"].get(events[0].system_id) if events else None
        )
        evidence = {
            **sig.evidence,
            "events": [
                {
                    "at": e.at.isoformat(),
                    "action": e.action,
                    "object": e.object,
                    "country": e.country,
                    "records": e.records,
                    "source_ip": e.source_ip,
                }
                for e in events[:20]
            ],
        }
        who = ident.display_name if ident else sig.who
        session.add(
            Finding(
                kind=sig.kind,
                key=sig.key[:300],
                severity=sig.severity,
                title=f"{who}: {sig.title}"[:500],
                evidence=evidence,
                identity_id=ident_id,
                account_id=account_id,
                system_id=system.id if system else None,
                org_unit_id=ident.org_unit_id if ident else root,
            )
        )
        new += 1
    session.flush()
    return {"signals": len(signals), "signals_new": new}

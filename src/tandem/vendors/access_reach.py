"""What a vendor reaches through access governance, and whether its offboarding held.

A vendor's accounts are the access accounts carrying one of the vendor's e-mail domains (the inventory vendor's
`domains`), on the account itself or on the person it is correlated to: contractors and integration accounts of
an external party sign in with its domain, whichever of our systems they live on. After a contract ends, the next
access import must show none of them still enabled; if it does, the vendor gets a finding."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy.orm import Session

from tandem.access import service as access
from tandem.platform.auth.permissions import require
from tandem.platform.auth.principal import Principal
from tandem.vendors import actions
from tandem.vendors import repository as repo
from tandem.vendors.contracts import ended
from tandem.vendors.models import Finding

INACTIVE = frozenset({"disabled", "deleted", "removed", "locked", "inactive", "suspended", "terminated"})
FINDING_KEY = "offboarding-access"


def is_active(account: Any) -> bool:
    """Return whether an account can still sign in (anything not explicitly disabled counts)."""
    return (account.status or "").strip().lower() not in INACTIVE


def vendor_accounts(session: Session, principal: Principal | None, vendor: Any) -> list[Any]:
    """Return the access accounts of a vendor (matched by its e-mail domains) principal may see."""
    return access.accounts_in_domains(session, principal, vendor.domains or [])


def access_view(session: Session, principal: Principal | None, vendor: Any) -> dict[str, Any]:
    """Return the vendor's accounts, every path they reach a data store by, and the stores with their categories."""
    accounts = vendor_accounts(session, principal, vendor)
    systems = access.system_names(session, principal)
    rows = access.reach_of_accounts(session, principal, accounts)
    stores: dict[uuid.UUID, dict[str, Any]] = {}
    for row in rows:
        entry = stores.setdefault(
            row["data_store_id"],
            {"data_store_id": row["data_store_id"], "store": row["store"],
             "data_categories": row["data_categories"], "access": set(), "accounts": set()},
        )  # fmt: skip
        entry["access"].add(row["access"])
        entry["accounts"].add(row["account"])
    return {
        "domains": list(vendor.domains or []),
        "accounts": [
            {
                "id": a.id,
                "account": access.account_label(a, systems.get(a.system_id)),
                "status": a.status,
                "active": is_active(a),
                "system": systems.get(a.system_id, ""),
            }
            for a in accounts
        ],
        "rows": rows,
        "stores": [
            {**s, "access": sorted(s["access"]), "accounts": sorted(s["accounts"])}
            for s in sorted(stores.values(), key=lambda s: str(s["store"]).lower())
        ],
    }


def _offboarded_since(contracts: list[Any], today: dt.date) -> dt.datetime | None:
    """Return when the vendor's last contract ended or its access was marked revoked (None while one runs)."""
    if not contracts or not all(ended(c, today) for c in contracts):
        return None
    days = [c.end_date for c in contracts if c.end_date is not None and c.end_date <= today]
    for c in contracts:
        revoked = (c.offboarding or {}).get("access_revoked_on")
        if revoked:
            try:
                days.append(dt.date.fromisoformat(str(revoked)[:10]))
            except ValueError:
                continue
    day = max(days) if days else min(c.updated_at.date() for c in contracts)
    return dt.datetime.combine(day, dt.time(0), dt.UTC)


def verify_offboarding(
    session: Session, principal: Principal | None, today: dt.date | None = None
) -> list[dict[str, Any]]:
    """Check every offboarded vendor against the latest access import; open, refresh or close its finding.

    Returns one row per offboarded vendor: "waiting" until an accounts import runs after the offboarding,
    then "still active" (with the accounts) or "verified"."""
    if principal is not None:
        require(session, principal, actions.ASSESS.name)
    today = today or dt.date.today()
    last_import = access.last_account_import(session, principal)
    vendors = repo.visible_vendors(session, principal)
    ids = [v.id for v in vendors]
    contracts, findings = repo.contracts_of(session, ids), repo.findings_of(session, ids)
    out = []
    for vendor in vendors:
        since = _offboarded_since(contracts[vendor.id], today)
        if since is None:
            continue
        if last_import is None or last_import < since:
            out.append({"vendor": vendor.name, "vendor_id": vendor.id, "state": "waiting", "accounts": []})
            continue
        active = [a for a in vendor_accounts(session, None, vendor) if is_active(a)]
        _record(session, vendor, findings[vendor.id], active, last_import, today)
        state = "still active" if active else "verified"
        labels = [a.username or a.external_id for a in active]
        out.append({"vendor": vendor.name, "vendor_id": vendor.id, "state": state, "accounts": labels})
    return out


def _record(
    session: Session, vendor: Any, findings: list[Finding], active: list[Any], when: dt.datetime, today: dt.date
) -> None:
    """Open or refresh the vendor's offboarding finding, or close it once the accounts are gone."""
    current = next((f for f in findings if f.question_id == FINDING_KEY and f.status in ("open", "in-progress")), None)
    if not active:
        if current is not None:
            current.status = "closed"
            current.detail += f"\nVerified by the access import of {when:%Y-%m-%d %H:%M} UTC: no account is active."
        return
    names = ", ".join(a.username or a.external_id for a in active[:20])
    detail = (
        f"The access import of {when:%Y-%m-%d %H:%M} UTC, after the vendor was offboarded, still shows "
        f"{len(active)} enabled account(s) with the vendor's domain: {names}. Disable them and re-import."
    )
    if current is None:
        session.add(
            Finding(
                vendor_id=vendor.id,
                question_id=FINDING_KEY,
                title=f"Access still active after offboarding {vendor.name}"[:300],
                detail=detail,
                severity="high",
                status="open",
                due_date=today + dt.timedelta(days=7),
                org_unit_id=vendor.org_unit_id,
            )
        )
    elif current.detail != detail:
        current.detail = detail
    session.flush()

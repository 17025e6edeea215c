"""The CIO lens across vendors: yearly spend by vendor, category, application and capability, concentration,
the renewal calendar and the owner reminders."""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import uuid
from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from tandem.inventory import service as inventory
from tandem.platform.auth.permissions import require, visible_unit_ids
from tandem.platform.auth.principal import Principal
from tandem.platform.errors import NotFound
from tandem.platform.mail import send_mail
from tandem.vendors import actions
from tandem.vendors import repository as repo
from tandem.vendors.common import APPS, PEOPLE
from tandem.vendors.contracts import ended, notice_deadline
from tandem.vendors.models import Contract
from tandem.vendors.settings import get_vendors_settings

CAPABILITIES = inventory.kind_of("capability")
log = logging.getLogger("tandem.vendors")


def active(contract: Contract, today: dt.date) -> bool:
    """Return whether a contract counts towards this year's spend (signed and not ended)."""
    return contract.status == "signed" and not ended(contract, today)


def _amount(contract: Contract) -> Decimal:
    return Decimal(contract.yearly_value_minor or 0) / 100


def _visible_contracts(session: Session, principal: Principal) -> tuple[dict[uuid.UUID, Any], list[Contract]]:
    require(session, principal, actions.VIEW.name)
    vendors = {v.id: v for v in repo.visible_vendors(session, principal)}
    units = set(_unit_ids(session, principal))
    by_vendor = repo.contracts_of(session, list(vendors))
    return vendors, [c for rows in by_vendor.values() for c in rows if c.org_unit_id in units]


def _unit_ids(session: Session, principal: Principal) -> list[uuid.UUID]:
    return visible_unit_ids(session, principal, actions.VIEW.name)


def spend_summary(session: Session, principal: Principal, today: dt.date | None = None) -> dict[str, Any]:
    """Return yearly spend per currency: by vendor (with its share), category, application and capability."""
    today = today or dt.date.today()
    vendors, contracts = _visible_contracts(session, principal)
    by_vendor: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    by_category: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    by_app: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for c in contracts:
        if not active(c, today):
            continue
        value = _amount(c)
        by_vendor[c.currency][vendors[c.vendor_id].name] += value
        by_category[c.currency][c.category or "uncategorised"] += value
        for app_id in c.application_ids or []:
            by_app[c.currency][app_id] += value / len(c.application_ids)  # shared evenly: no better split is known
    return {
        "currencies": sorted(by_vendor),
        "by_vendor": {cur: _ranked(rows) for cur, rows in by_vendor.items()},
        "by_category": {cur: _ranked(rows) for cur, rows in by_category.items()},
        "by_application": {cur: _ranked(_app_names(session, principal, rows)) for cur, rows in by_app.items()},
        "by_capability": {cur: _ranked(_capabilities(session, principal, rows)) for cur, rows in by_app.items()},
    }


def _ranked(rows: dict[str, Decimal]) -> list[dict[str, Any]]:
    total = sum(rows.values()) or Decimal(1)
    ordered = sorted(rows.items(), key=lambda kv: (-kv[1], kv[0]))
    return [{"name": k, "amount": float(round(v, 2)), "share": float(round(v / total, 4))} for k, v in ordered]


def _app_names(session: Session, principal: Principal, rows: dict[str, Decimal]) -> dict[str, Decimal]:
    out: dict[str, Decimal] = defaultdict(Decimal)
    for app_id, value in rows.items():
        try:
            out[inventory.get_record(session, principal, APPS, uuid.UUID(app_id)).name] += value
        except NotFound:
            out["(applications you cannot see)"] += value
    return out


def _capabilities(session: Session, principal: Principal, rows: dict[str, Decimal]) -> dict[str, Decimal]:
    out: dict[str, Decimal] = defaultdict(Decimal)
    for app_id, value in rows.items():
        caps = [r.target_id for r in inventory.relations_of(session, principal, uuid.UUID(app_id))
                if r.type == "supports" and str(r.source_id) == app_id]  # fmt: skip
        if not caps:
            out["(no capability)"] += value
        for cap_id in caps:
            try:
                out[inventory.get_record(session, principal, CAPABILITIES, cap_id).name] += value / len(caps)
            except NotFound:
                out["(capabilities you cannot see)"] += value / len(caps)
    return out


def upcoming_renewals(
    session: Session, principal: Principal, days: int | None = None, today: dt.date | None = None
) -> list[dict[str, Any]]:
    """Return signed contracts whose notice deadline falls within `days` (default: the setting), soonest first."""
    today = today or dt.date.today()
    horizon = days if days is not None else get_vendors_settings().renewal_horizon_days
    vendors, contracts = _visible_contracts(session, principal)
    out = []
    for c in contracts:
        deadline = notice_deadline(c)
        if c.status != "signed" or deadline is None or not 0 <= (deadline - today).days <= horizon:
            continue
        out.append({"contract": c, "id": c.id, "title": c.title, "vendor_id": c.vendor_id,
                    "vendor": vendors[c.vendor_id].name, "end_date": c.end_date, "deadline": deadline,
                    "days_left": (deadline - today).days, "auto_renew": c.auto_renew,
                    "value": {"amount": f"{_amount(c):.2f}", "currency": c.currency},
                    "owner": _owner(session, principal, c.owner_id)})  # fmt: skip
    return sorted(out, key=lambda r: (r["deadline"], r["vendor"]))


def _owner(session: Session, principal: Principal | None, owner_id: uuid.UUID | None) -> Any:
    if owner_id is None:
        return None
    try:
        return inventory.get_record(session, principal, PEOPLE, owner_id)
    except NotFound:
        return None


def send_reminders(session: Session, today: dt.date | None = None) -> dict[str, int]:
    """E-mail each contract owner once per threshold (90/60/30 days) before the notice deadline; all units."""
    today = today or dt.date.today()
    thresholds = get_vendors_settings().thresholds()
    sent = skipped = 0
    for c in repo.signed_contracts(session):
        deadline = notice_deadline(c)
        days_left = (deadline - today).days if deadline else -1
        crossed = [t for t in thresholds if 0 <= days_left <= t and t not in (c.reminders_sent or [])]
        if not crossed:
            continue
        owner = _owner(session, None, c.owner_id)
        vendor = inventory.get_record(session, None, inventory.kind_of("vendor"), c.vendor_id)
        if owner is None or not owner.email or not _safe_mail(owner, vendor.name, c, deadline, days_left):
            skipped += 1
            continue
        c.reminders_sent = sorted({*(c.reminders_sent or []), *crossed}, reverse=True)
        sent += 1
    session.flush()
    return {"sent": sent, "skipped": skipped}


def _safe_mail(owner: Any, vendor: str, c: Contract, deadline: Any, days_left: int) -> bool:
    try:
        return _mail(owner, vendor, c, deadline, days_left)
    except (OSError, smtplib.SMTPException) as exc:  # one bad address must not stop the others' reminders
        log.warning("renewal reminder for contract %s failed: %s", c.id, exc)
        return False


def _mail(owner: Any, vendor: str, c: Contract, deadline: Any, days_left: int) -> bool:
    action = "it renews itself" if c.auto_renew else "it ends"
    body = (f"Hello {owner.full_name},\n\nThe notice deadline of the contract \"{c.title}\" with {vendor} is "
            f"{deadline.isoformat()} ({days_left} days from today). After that date {action} on "
            f"{c.end_date.isoformat() if c.end_date else 'its end date'}.\n"
            f"Yearly value: {_amount(c):,.2f} {c.currency}."
            f"\n\nDecide whether to renew, renegotiate or give notice.\n\n-- Tandem")  # fmt: skip
    subject = f"Contract notice deadline in {days_left} days: {vendor} - {c.title}"
    return send_mail([owner.email], subject.replace("\n", " ")[:200], body)

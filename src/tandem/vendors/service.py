"""The vendors domain's public face: one vendor with both lenses, the portfolio, and what higher domains read
(residual rating, flags). Contracts, records, documents and assessments live in their own modules."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from tandem.inventory import service as inventory
from tandem.platform.auth.permissions import require, visible_unit_ids
from tandem.platform.auth.principal import Principal
from tandem.platform.db.memo import session_memo, who
from tandem.platform.errors import NotFound
from tandem.vendors import access_reach, actions, contracts, documents, exposure, spend
from tandem.vendors import repository as repo
from tandem.vendors.assessments import to_read as assessment_read
from tandem.vendors.common import APPS, PEOPLE, find_vendor, get_vendor

__all__ = [
    "access_view",
    "find_vendor",
    "portfolio",
    "residual_rating",
    "upcoming_renewals",
    "vendor_access",
    "vendor_accounts",
    "vendor_overview",
    "verify_offboarding",
]
upcoming_renewals = spend.upcoming_renewals
access_view, vendor_accounts, verify_offboarding = (
    access_reach.access_view,
    access_reach.vendor_accounts,
    access_reach.verify_offboarding,
)


def vendor_access(session: Session, principal: Principal, vendor_id: uuid.UUID) -> dict[str, Any]:
    """Return a visible vendor's accounts (by its e-mail domains) and the data stores they reach, with paths."""
    require(session, principal, actions.VIEW.name)
    return access_reach.access_view(session, principal, get_vendor(session, principal, vendor_id))


def vendor_overview(
    session: Session, principal: Principal, vendor_id: uuid.UUID, today: dt.date | None = None
) -> dict[str, Any]:
    """Return one vendor with the CIO lens (contracts, spend, renewals, documents) and the CISO lens (reach,
    tier and factors, agreements, flags, assessments, findings, residual rating)."""
    require(session, principal, actions.VIEW.name)
    today = today or dt.date.today()
    vendor = get_vendor(session, principal, vendor_id)
    rows = repo.contracts_of(session, [vendor.id])[vendor.id]
    units = set(_units(session, principal))
    rows = [c for c in rows if c.org_unit_id in units]
    risk = exposure.risk_view(session, principal, vendor, today)
    return {
        "vendor": vendor,
        "owners": _owners(session, principal, rows),
        "app_names": _app_names(session, principal, rows),
        "contracts": [
            {
                "c": c,
                "read": contracts.to_read(c),
                "ended": contracts.ended(c, today),
                "offboarding": contracts.offboarding_steps(c),
            }
            for c in rows
        ],
        "spend": _spend(rows, today),
        "documents": [d for d in documents.vendor_documents(session, vendor.id) if d.org_unit_id in units],
        "agreements": repo.agreements_of(session, [vendor.id])[vendor.id],
        "assessments": [assessment_read(a) for a in repo.assessments_of(session, [vendor.id])[vendor.id]],
        "findings": repo.findings_of(session, [vendor.id])[vendor.id],
        **risk,
    }


def _owners(session: Session, principal: Principal, rows: list[Any]) -> dict[uuid.UUID, str]:
    """Return the names of the contract owners principal may see."""
    out = {}
    for owner_id in {c.owner_id for c in rows if c.owner_id}:
        try:
            out[owner_id] = inventory.get_record(session, principal, PEOPLE, owner_id).full_name
        except NotFound:
            out[owner_id] = "(someone you cannot see)"
    return out


def _app_names(session: Session, principal: Principal, rows: list[Any]) -> dict[str, str]:
    """Return the names of the applications the contracts cover, by id (only those principal may see)."""
    out = {}
    for app_id in {a for c in rows for a in (c.application_ids or [])}:
        try:
            out[app_id] = inventory.get_record(session, principal, APPS, uuid.UUID(app_id)).name
        except NotFound:
            continue
    return out


def _units(session: Session, principal: Principal) -> list[uuid.UUID]:
    return visible_unit_ids(session, principal, actions.VIEW.name)


def _spend(rows: list[Any], today: dt.date) -> dict[str, float]:
    out: dict[str, Decimal] = {}
    for c in rows:
        if spend.active(c, today):
            out[c.currency] = out.get(c.currency, Decimal(0)) + Decimal(c.yearly_value_minor or 0) / 100
    return {k: float(v) for k, v in sorted(out.items())}


def portfolio(session: Session, principal: Principal, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Return every visible vendor with its yearly spend, tier, residual rating, flags and next notice deadline
    (computed once per session until it writes: the CISO home shows it in two panels)."""
    require(session, principal, actions.VIEW.name)
    today = today or dt.date.today()
    return session_memo(session, ("vendors.portfolio", who(principal), today),
                        lambda: _portfolio(session, principal, today))  # fmt: skip


def _portfolio(session: Session, principal: Principal, today: dt.date) -> list[dict[str, Any]]:
    vendors = repo.visible_vendors(session, principal)
    units = set(_units(session, principal))
    by_vendor = repo.contracts_of(session, [v.id for v in vendors])
    out = []
    for v in vendors:
        rows = [c for c in by_vendor[v.id] if c.org_unit_id in units]
        risk = exposure.risk_view(session, principal, v, today)
        deadlines = [d for c in rows if c.status == "signed" and (d := contracts.notice_deadline(c)) and d >= today]
        out.append({"vendor": v, "spend": _spend(rows, today), "tier": risk["tier"],
                    "computed_tier": risk["computed"].tier, "residual": risk["residual"], "flags": risk["flags"],
                    "score": risk["score"], "next_deadline": min(deadlines) if deadlines else None,
                    "stores": len(risk["reach"].stores)})  # fmt: skip
    return out


def residual_rating(session: Session, principal: Principal | None, vendor_id: uuid.UUID) -> str:
    """Return a vendor's residual rating (low … critical) for other domains (risk links to vendors)."""
    vendor = get_vendor(session, principal, vendor_id)
    return str(exposure.risk_view(session, principal, vendor)["residual"])

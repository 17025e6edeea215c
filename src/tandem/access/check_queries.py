"""Read queries behind the access control checks: reviews closed per system, flagged accounts, privileged
accounts and the MFA setting of their system."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from tandem.access.models import Account, Assignment, Campaign, Entitlement, Finding, Identity, ReviewItem, System
from tandem.platform.auth.models import OrgUnit

OPEN_FINDING = ("open", "acknowledged", "confirmed", "escalated")


def systems(session: Session, system_ids: Collection[uuid.UUID]) -> list[tuple[System, str]]:
    """Return (system, unit name) of the systems, by name."""
    if not system_ids:
        return []
    stmt = (
        select(System, OrgUnit.name)
        .join(OrgUnit, OrgUnit.id == System.org_unit_id)
        .where(System.id.in_(list(system_ids)))
        .order_by(System.name, System.id)
    )
    return [(s, u) for s, u in session.execute(stmt)]


def closed_reviews(session: Session) -> list[tuple[Campaign, uuid.UUID]]:
    """Return (closed campaign, system id) for every system a closed campaign reviewed or named in its scope."""
    campaigns = {c.id: c for c in session.scalars(select(Campaign).where(Campaign.status == "closed"))}
    if not campaigns:
        return []
    stmt = (
        select(ReviewItem.campaign_id, Entitlement.system_id)
        .join(Entitlement, Entitlement.id == ReviewItem.entitlement_id)
        .where(ReviewItem.campaign_id.in_(list(campaigns)))
        .distinct()
    )
    pairs = {(c, s) for c, s in session.execute(stmt)}
    for campaign in campaigns.values():
        for named in (campaign.scope or {}).get("system_ids") or []:
            pairs.add((campaign.id, uuid.UUID(str(named))))
    return [(campaigns[c], s) for c, s in pairs]


def flagged_accounts(
    session: Session, kinds: Sequence[str], unit_ids: Collection[uuid.UUID] | None
) -> list[tuple[Any, ...]]:
    """Return (finding, account label, system name, identity name, identity end date, unit name) of the open
    access findings of the kinds."""
    stmt = (
        select(Finding, Account.username, Account.external_id, System.name, Identity.display_name,
               Identity.end_date, OrgUnit.name)
        .join(Account, Account.id == Finding.account_id)
        .join(System, System.id == Account.system_id)
        .outerjoin(Identity, Identity.id == Account.identity_id)
        .join(OrgUnit, OrgUnit.id == Finding.org_unit_id)
        .where(Finding.kind.in_(list(kinds)), Finding.status.in_(OPEN_FINDING))
        .order_by(Finding.first_seen_at, Finding.id)
    )  # fmt: skip
    if unit_ids is not None:
        stmt = stmt.where(Finding.org_unit_id.in_(list(unit_ids)))
    return [(f, user or ext, sysname, ident, end, unit) for f, user, ext, sysname, ident, end, unit in
            session.execute(stmt)]  # fmt: skip


def privileged_accounts(session: Session, unit_ids: Collection[uuid.UUID] | None) -> list[tuple[Any, ...]]:
    """Return (account id, account label, system name, MFA enforced, identity name, privileged entitlements,
    flagged privileged by the source, unit name) of the enabled accounts that are privileged or hold a privileged
    entitlement."""
    held = (
        select(Assignment.account_id, Entitlement.name)
        .join(Entitlement, Entitlement.id == Assignment.entitlement_id)
        .where(Entitlement.privileged.is_(True))
    )
    grants: dict[uuid.UUID, list[str]] = {}
    for account_id, name in session.execute(held):
        grants.setdefault(account_id, []).append(name)
    stmt = (
        select(Account.id, Account.username, Account.external_id, System.name, System.mfa_enforced,
               Identity.display_name, Account.is_privileged, OrgUnit.name)
        .join(System, System.id == Account.system_id)
        .outerjoin(Identity, Identity.id == Account.identity_id)
        .join(OrgUnit, OrgUnit.id == Account.org_unit_id)
        .where(Account.status == "enabled")
        .where(or_(Account.is_privileged.is_(True), Account.id.in_(held.with_only_columns(Assignment.account_id))))
        .order_by(System.name, Account.username, Account.id)
    )  # fmt: skip
    if unit_ids is not None:
        stmt = stmt.where(Account.org_unit_id.in_(list(unit_ids)))
    return [(i, user or ext, sysname, mfa, ident, sorted(grants.get(i, [])), flagged, unit)
            for i, user, ext, sysname, mfa, ident, flagged, unit in session.execute(stmt)]  # fmt: skip

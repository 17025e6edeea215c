"""Northwind Health's access data: identities from the inventory's people, accounts in 8 systems with planted
orphans, dormant admins, an SoD conflict, a leaver still active, a week of activity, two closed PHI reviews (AWS's
now overdue) and one in progress."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from tandem.access import activity, analyze, campaigns, imports, service
from tandem.access import demo_data as data
from tandem.access import repository as repo
from tandem.access.schemas import CampaignCreate, CampaignScope, DecisionIn, SodRuleCreate, SystemCreate, Window
from tandem.inventory import service as inventory
from tandem.platform.errors import NotFound

# Reviews already done (name, systems, closed days ago): EHR and Microsoft 365 were reviewed last quarter, but
# AWS, which reaches the PACS image store, was last reviewed two quarters ago — its review is overdue.
PAST_REVIEWS = [
    ("Q2 review: AWS access to the PACS image store", ["aws"], 150),
    ("Q3 review: Epic EHR and Microsoft 365 access to PHI", ["ehr", "m365"], 58),
]
KEPT = "Confirmed by the manager: needed for the role."


def _app_id(session: Session, name: str | None) -> Any:
    if name is None:
        return None
    try:
        return inventory.resolve_ref(session, None, f"application:{name}")[1].id
    except NotFound:
        return None


def load_demo(session: Session, org: Any) -> None:
    """Add identities, accounts in 8 systems, findings, a week of activity and a campaign in progress."""
    people = repo.people(session)
    if not people:
        return
    today = dt.date.today()
    root = org.root.id
    systems = {}
    for key, name, app, days, mfa, windows in data.SYSTEMS:
        systems[key] = service.create_system(session, None, SystemCreate(
            key=key, name=name, application_id=_app_id(session, app), dormant_days=days, mfa_enforced=mfa,
            change_windows=[Window(weekday=w, start=s, end=e) for w, s, e in windows], org_unit_id=root))  # fmt: skip
    texts = data.files(people, today)
    for kind in ("identities", "accounts", "entitlements", "assignments"):
        imports.import_file(session, None, kind, texts[kind].encode(), f"{kind}.csv", root)
    name, left, right = data.SOD_RULE
    service.create_rule(session, None, SodRuleCreate(
        name=name, description="No one may both set up or change a vendor's bank details and approve its payments.",
        left=left, right=right, org_unit_id=root))  # fmt: skip
    analyze.run_analysis(session)
    activity.import_events(session, None, data.activity(people, today).encode(), "activity-week.jsonl", root)
    for name, keys, days_ago in PAST_REVIEWS:
        _past_review(session, root, today, name, [systems[k].id for k in keys], days_ago)
    _campaign(session, root, today)


def _past_review(session: Session, root: Any, today: dt.date, name: str, system_ids: list[Any], days_ago: int) -> None:
    made = campaigns.create_campaign(session, None, CampaignCreate(
        name=name, description="Quarterly HIPAA access review.", scope=CampaignScope(
            system_ids=system_ids, data_categories=["PHI"]), reviewer="manager",
        due_date=today + dt.timedelta(days=1), non_response="escalate", org_unit_id=root))  # fmt: skip
    ids = [i.id for i in campaigns.items(session, None, made.id)]
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        campaigns.decide(session, None, made.id, DecisionIn(item_ids=chunk, decision="keep", comment=KEPT))
    campaigns.close_campaign(session, None, made.id)
    # Dated when it ran: the demo shows a review history, not campaigns closed today.
    closed = dt.datetime.combine(today - dt.timedelta(days=days_ago), dt.time(16), dt.UTC)
    made.due_date, made.closed_at = closed.date(), closed
    session.flush()


def _campaign(session: Session, root: Any, today: dt.date) -> None:
    made = campaigns.create_campaign(session, None, CampaignCreate(
        name="Q4 review: everyone who can reach PHI", description="Quarterly HIPAA access review of PHI.",
        scope=CampaignScope(data_categories=["PHI"]), reviewer="manager", due_date=today + dt.timedelta(days=14),
        non_response="escalate", org_unit_id=root))  # fmt: skip
    items = campaigns.items(session, None, made.id)
    plain = [i.id for i in items if not campaigns.risk_flags(i)][:40]
    if plain:
        campaigns.decide(session, None, made.id, DecisionIn(item_ids=plain, decision="keep"))
    leaver = [i.id for i in items if "terminated" in i.flags]
    if leaver:
        campaigns.decide(session, None, made.id, DecisionIn(
            item_ids=leaver, decision="revoke", comment="Left on 31 October; remove all access."))  # fmt: skip

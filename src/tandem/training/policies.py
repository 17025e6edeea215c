"""Policies: versions, owners, review dates and acknowledgement campaigns (people confirm they read version N)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from typing import Any

from sqlalchemy.orm import Session

from tandem.platform.auth.permissions import require, visible_unit_ids
from tandem.platform.auth.principal import Principal
from tandem.platform.db.paging import Page, PageRequest
from tandem.platform.db.types import utcnow
from tandem.platform.errors import Conflict, InvalidInput, NotFound
from tandem.training import actions, programs
from tandem.training import repository as repo
from tandem.training.common import check, require_in_unit
from tandem.training.engine.audience import matching_rule
from tandem.training.models import AckCampaign, Acknowledgement, Policy, PolicyVersion
from tandem.training.repository import TrainingRepository
from tandem.training.schemas import AckCreate, CampaignCreate, PolicyCreate, PolicyRead, PolicyUpdate, VersionCreate

FIELDS = ("title", "description", "owner_id", "review_date")


def get_policy(session: Session, principal: Principal | None, policy_id: uuid.UUID) -> Policy:
    """Return a policy principal may see."""
    obj = TrainingRepository(session, Policy).get(principal, policy_id)
    if obj is None:
        raise NotFound("policy not found")
    return obj


def find_policy(session: Session, principal: Principal | None, ref: str) -> Policy:
    """Return the visible policy with this id or exact title (case ignored); NotFound or ambiguous is an error."""
    try:
        return get_policy(session, principal, uuid.UUID(ref.strip()))
    except ValueError:
        pass
    found = [p for p in TrainingRepository(session, Policy).visible(principal)
             if p.title.casefold() == ref.strip().casefold()]  # fmt: skip
    if not found:
        raise NotFound(f"no policy with the id or title {ref!r}")
    if len(found) > 1:
        raise InvalidInput.one("policy", f"{len(found)} policies are titled {ref!r}; give the policy id")
    return found[0]


def visible_policies(session: Session, principal: Principal | None) -> list[Policy]:
    """Return every policy principal may see, by title."""
    return sorted(TrainingRepository(session, Policy).visible(principal), key=lambda p: p.title.lower())


def list_policies(session: Session, principal: Principal, req: PageRequest) -> Page[Any]:
    """List the policies principal may see."""
    require(session, principal, actions.VIEW.name)
    try:
        return TrainingRepository(session, Policy).list_page(principal, req)
    except (ValueError, KeyError):
        raise InvalidInput.one("query", "a filter value has the wrong type") from None


def _owner_check(session: Session, owner_id: uuid.UUID | None) -> None:
    if owner_id is not None and not repo.people_by_ids(session, [owner_id]):
        raise InvalidInput.one("body.owner_id", "no such person in the inventory")


def owner_by_email(session: Session, email: str, where: str = "owner") -> uuid.UUID | None:
    """Return the id of the person with this e-mail ("" gives None), or a located error."""
    if not email.strip():
        return None
    found = repo.people_with_email(session, email)
    if len(found) != 1:
        raise InvalidInput.one(where, f"{'nobody' if not found else 'more than one person'} with {email.strip()!r} "
                               "in the inventory")  # fmt: skip
    return found[0].id


def create_policy(session: Session, principal: Principal | None, data: PolicyCreate) -> Policy:
    """Add a policy (versions are published separately)."""
    require_in_unit(session, principal, data.org_unit_id, actions.EDIT.name)
    _owner_check(session, data.owner_id)
    return TrainingRepository(session, Policy).add(Policy(**data.model_dump()))


def update_policy(session: Session, principal: Principal | None, policy_id: uuid.UUID, data: PolicyUpdate) -> Policy:
    """Change a policy's title, description, owner or review date."""
    policy = get_policy(session, principal, policy_id)
    check(session, principal, actions.EDIT.name, policy)
    patch = data.model_dump(exclude_unset=True)
    _owner_check(session, patch.get("owner_id"))
    for key in FIELDS:
        if key in patch and (patch[key] is not None or key in ("owner_id", "review_date")):
            setattr(policy, key, patch[key])
    session.flush()
    return policy


def delete_policy(session: Session, principal: Principal | None, policy_id: uuid.UUID) -> None:
    """Delete a policy with its versions, campaigns and acknowledgements."""
    policy = get_policy(session, principal, policy_id)
    check(session, principal, actions.EDIT.name, policy)
    TrainingRepository(session, Policy).delete(policy)


def to_read(policy: Policy, today: dt.date | None = None) -> PolicyRead:
    """Return the output schema, flagging a policy whose review date has passed."""
    out = PolicyRead.model_validate(policy)
    out.past_review = policy.review_date is not None and policy.review_date < (today or utcnow().date())
    return out


def publish_version(session: Session, principal: Principal | None, policy_id: uuid.UUID, data: VersionCreate) -> Any:
    """Publish the next version of a policy."""
    policy = get_policy(session, principal, policy_id)
    check(session, principal, actions.EDIT.name, policy)
    policy.current_version += 1
    version = PolicyVersion(policy_id=policy.id, number=policy.current_version, summary=data.summary, url=data.url,
                            published_at=utcnow())  # fmt: skip
    session.add(version)
    session.flush()
    return version


def launch_campaign(
    session: Session, principal: Principal | None, policy_id: uuid.UUID, data: CampaignCreate
) -> AckCampaign:
    """Ask the audience (people of the policy's unit tree) to acknowledge a version by a date."""
    policy = get_policy(session, principal, policy_id)
    check(session, principal, actions.EDIT.name, policy)
    version = data.version or policy.current_version
    if not 1 <= version <= policy.current_version:
        raise InvalidInput.one("body.version", "publish a version of the policy first" if not policy.current_version
                               else f"must be from 1 to {policy.current_version}")  # fmt: skip
    rules = [r.model_dump() for r in data.audience]
    if errors := programs.audience_errors(rules):
        raise InvalidInput(errors)
    campaign = TrainingRepository(session, AckCampaign).add(AckCampaign(
        policy_id=policy.id, version=version, audience=rules, due_date=data.due_date,
        org_unit_id=policy.org_unit_id))  # fmt: skip
    today = utcnow().date()
    people = repo.people_in(session, repo.subtree_ids(session, policy.org_unit_id))
    for fact, person in zip(programs.facts_of(session, people, rules, today), people, strict=True):
        if matching_rule(rules, fact, today):
            session.add(Acknowledgement(campaign_id=campaign.id, person_id=person.id, version=version,
                                        org_unit_id=person.org_unit_id))  # fmt: skip
    session.flush()
    return campaign


def acknowledge(
    session: Session, principal: Principal | None, campaign_id: uuid.UUID, data: AckCreate
) -> Acknowledgement:
    """Record that a person confirmed reading the campaign's version."""
    campaign = TrainingRepository(session, AckCampaign).get(principal, campaign_id)
    if campaign is None:
        raise NotFound("acknowledgement campaign not found")
    rows = TrainingRepository(session, Acknowledgement).visible(None, campaign_id=campaign.id, person_id=data.person_id)
    if not rows:
        raise InvalidInput.one("body.person_id", "this person is not in the campaign's audience")
    ack = rows[0]
    check(session, principal, actions.EDIT.name, ack)
    if ack.acknowledged_at is not None:
        raise Conflict("already acknowledged")
    ack.acknowledged_at = data.acknowledged_at or utcnow()
    session.flush()
    return ack


def acknowledge_latest(
    session: Session, principal: Principal | None, policy_id: uuid.UUID, person_id: uuid.UUID,
    when: dt.datetime | None = None,
) -> Acknowledgement:  # fmt: skip
    """Record by hand that a person acknowledged the policy's latest campaign (e.g. a signed paper form)."""
    policy = get_policy(session, principal, policy_id)
    latest = repo.ack_campaigns_of(session, [policy.id])
    if not latest:
        raise InvalidInput.one("policy", f"{policy.title!r} has no acknowledgement campaign; publish a version "
                               "with an acknowledgement date first")  # fmt: skip
    return acknowledge(session, principal, latest[0].id, AckCreate(person_id=person_id, acknowledged_at=when))


def ack_status(session: Session, principal: Principal | None, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Return each visible policy with its latest campaign's acknowledgement rate, overall and per department."""
    today = today or utcnow().date()
    units = None
    if principal is not None:
        require(session, principal, actions.VIEW.name)
        units = visible_unit_ids(session, principal, actions.VIEW.name)
    policies = sorted(TrainingRepository(session, Policy).visible(principal), key=lambda p: p.title.lower())
    latest: dict[uuid.UUID, AckCampaign] = {}
    for found in repo.ack_campaigns_of(session, [p.id for p in policies]):
        latest.setdefault(found.policy_id, found)
    out = []
    for policy in policies:
        campaign: AckCampaign | None = latest.get(policy.id)
        acks = repo.acks_of(session, [campaign.id], units) if campaign else []
        people = repo.people_by_ids(session, [a.person_id for a in acks])
        by_dept: dict[str, list[Acknowledgement]] = defaultdict(list)
        for ack in acks:
            by_dept[people[ack.person_id].department or "(none)" if ack.person_id in people else "(none)"].append(ack)
        out.append({"policy": policy, "past_review": to_read(policy, today).past_review, "campaign": campaign,
                    **_ack_rate(acks), "departments": [{"name": d, **_ack_rate(a)} for d, a in sorted(by_dept.items())],
                    "overdue": bool(campaign and campaign.due_date < today and any(a.acknowledged_at is None
                                                                                   for a in acks))})  # fmt: skip
    return out


def _ack_rate(acks: list[Acknowledgement]) -> dict[str, Any]:
    done = sum(1 for a in acks if a.acknowledged_at is not None)
    return {"audience": len(acks), "acknowledged": done, "rate": round(done / len(acks), 4) if acks else 0.0}


def pending_acks(session: Session, today: dt.date, quiet_since: dt.datetime) -> list[tuple[Any, Any, Policy]]:
    """Return (ack, person, policy) of unacknowledged rows of open campaigns not reminded since quiet_since."""
    policies = {p.id: p for p in TrainingRepository(session, Policy).visible(None)}
    campaigns = {c.id: c for c in repo.ack_campaigns_of(session, list(policies))}
    acks = [a for a in repo.acks_of(session, list(campaigns), None)
            if a.acknowledged_at is None and (a.reminded_at is None or a.reminded_at <= quiet_since)]  # fmt: skip
    people = repo.people_by_ids(session, [a.person_id for a in acks])
    return [(a, people[a.person_id], policies[campaigns[a.campaign_id].policy_id]) for a in acks
            if a.person_id in people]  # fmt: skip

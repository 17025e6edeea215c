"""REST routes /api/v1/training/policies: policies, versions, acknowledgement campaigns and rates."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from tandem.platform.api.deps import DbSession, requires
from tandem.platform.api.paging import page_out, page_request
from tandem.platform.auth.principal import Principal
from tandem.training import policies
from tandem.training.repository import POLICY_SPEC
from tandem.training.schemas import AckCreate, CampaignCreate, PolicyCreate, PolicyRead, PolicyUpdate, VersionCreate

router = APIRouter(prefix="/api/v1/training/policies", tags=["training"])
VIEW, EDIT = "training.view", "training.edit"


@router.get("/ack-status")
def ack_status(session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return each policy's latest acknowledgement campaign: rate overall and per department; past-review flag."""
    return [ack_out(row) for row in policies.ack_status(session, principal)]


def ack_out(row: dict[str, Any]) -> dict[str, Any]:
    """Return an ack-status row as JSON-ready values."""
    campaign = row["campaign"]
    return {"policy_id": str(row["policy"].id), "title": row["policy"].title, "past_review": row["past_review"],
            "version": campaign.version if campaign else None, "due_date": campaign.due_date if campaign else None,
            "audience": row["audience"], "acknowledged": row["acknowledged"], "rate": row["rate"],
            "overdue": row["overdue"], "departments": row["departments"]}  # fmt: skip


@router.get("")
def list_policies(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """List policies (filters: owner_id)."""
    page = policies.list_policies(session, principal, page_request(request, POLICY_SPEC))
    return page_out(page, policies.to_read)


@router.post("", status_code=201, response_model=PolicyRead)
def create_policy(body: PolicyCreate, session: DbSession, principal: Principal = requires(EDIT)) -> Any:
    """Add a policy."""
    return policies.to_read(policies.create_policy(session, principal, body))


@router.get("/{policy_id}", response_model=PolicyRead)
def get_policy(policy_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return a policy (past_review is true when its review date has passed)."""
    return policies.to_read(policies.get_policy(session, principal, policy_id))


@router.patch("/{policy_id}", response_model=PolicyRead)
def update_policy(
    policy_id: uuid.UUID, body: PolicyUpdate, session: DbSession, principal: Principal = requires(EDIT)
) -> Any:
    """Change a policy."""
    return policies.to_read(policies.update_policy(session, principal, policy_id, body))


@router.delete("/{policy_id}", status_code=204)
def delete_policy(policy_id: uuid.UUID, session: DbSession, principal: Principal = requires(EDIT)) -> Response:
    """Delete a policy with its versions and acknowledgements."""
    policies.delete_policy(session, principal, policy_id)
    return Response(status_code=204)


@router.post("/{policy_id}/versions", status_code=201)
def publish_version(
    policy_id: uuid.UUID, body: VersionCreate, session: DbSession, principal: Principal = requires(EDIT)
) -> Any:
    """Publish the policy's next version."""
    v = policies.publish_version(session, principal, policy_id, body)
    return {"id": str(v.id), "policy_id": str(v.policy_id), "number": v.number, "summary": v.summary, "url": v.url,
            "published_at": v.published_at}  # fmt: skip


@router.post("/{policy_id}/campaigns", status_code=201)
def launch_campaign(
    policy_id: uuid.UUID, body: CampaignCreate, session: DbSession, principal: Principal = requires(EDIT)
) -> Any:
    """Ask an audience to acknowledge a version (default: the current one) by a due date."""
    c = policies.launch_campaign(session, principal, policy_id, body)
    return {"id": str(c.id), "policy_id": str(c.policy_id), "version": c.version, "due_date": c.due_date,
            "audience": c.audience}  # fmt: skip


@router.post("/campaigns/{campaign_id}/acknowledgements")
def acknowledge(
    campaign_id: uuid.UUID, body: AckCreate, session: DbSession, principal: Principal = requires(EDIT)
) -> Any:
    """Record that a person confirmed reading the campaign's version."""
    a = policies.acknowledge(session, principal, campaign_id, body)
    return {"person_id": str(a.person_id), "version": a.version, "acknowledged_at": a.acknowledged_at}

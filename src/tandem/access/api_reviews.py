"""REST routes /api/v1/access/campaigns: access review campaigns, decisions, progress, evidence reports."""

# No `from __future__ import annotations`: FastAPI reads the body types at runtime.
import uuid
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from tandem.access import campaigns, reports
from tandem.access.models import Campaign
from tandem.access.repository import SPECS, AccessRepository
from tandem.access.schemas import CampaignCreate, CampaignRead, DecisionIn, ReviewItemRead
from tandem.platform.api.deps import DbSession, requires
from tandem.platform.api.paging import page_out, page_request
from tandem.platform.auth.principal import Principal

router = APIRouter(prefix="/api/v1/access/campaigns", tags=["access"])
VIEW, REVIEW = "access.view", "access.review"


@router.get("")
def list_campaigns(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """List access review campaigns (filter: status)."""
    page = AccessRepository(session, Campaign).list_page(principal, page_request(request, SPECS["campaigns"]))
    return page_out(page, CampaignRead.model_validate)


@router.post("", status_code=201, response_model=CampaignRead)
def create_campaign(body: CampaignCreate, session: DbSession, principal: Principal = requires(REVIEW)) -> Any:
    """Start a campaign over a scope (systems, entitlements, data categories) with its reviewer rule."""
    return campaigns.create_campaign(session, principal, body)


@router.get("/{campaign_id}", response_model=CampaignRead)
def get_campaign(campaign_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return a campaign."""
    return campaigns.get_campaign(session, principal, campaign_id)


@router.get("/{campaign_id}/status")
def campaign_status(campaign_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return progress overall and per reviewer, decisions, escalations, remediation open vs verified."""
    return campaigns.status(session, principal, campaign_id)


@router.get("/{campaign_id}/items")
def campaign_items(
    campaign_id: uuid.UUID,
    session: DbSession,
    reviewer_id: uuid.UUID | None = Query(None),
    pending: bool = Query(False),
    principal: Principal = requires(VIEW),
) -> Any:
    """Return the items (optionally one reviewer's, or only pending) with why each is flagged."""
    rows = campaigns.items(session, principal, campaign_id, reviewer_id=reviewer_id, pending=pending)
    return [ReviewItemRead.model_validate(i) for i in rows]


@router.post("/{campaign_id}/decisions")
def decide(
    campaign_id: uuid.UUID, body: DecisionIn, session: DbSession, principal: Principal = requires(REVIEW)
) -> Any:
    """Keep, revoke or reduce items in bulk; keeping a flagged item needs a comment; revocations open tasks."""
    return [ReviewItemRead.model_validate(i) for i in campaigns.decide(session, principal, campaign_id, body)]


@router.post("/{campaign_id}/close", response_model=CampaignRead)
def close(campaign_id: uuid.UUID, session: DbSession, principal: Principal = requires(REVIEW)) -> Any:
    """Close the campaign, applying its non-response policy (escalate or auto-revoke)."""
    return campaigns.close_campaign(session, principal, campaign_id)


@router.get("/{campaign_id}/tasks")
def tasks(campaign_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return the remediation tasks: open until an import shows the grant gone."""
    return [
        {
            "id": t.id,
            "item_id": t.item_id,
            "account_id": t.account_id,
            "entitlement_id": t.entitlement_id,
            "action": t.action,
            "target_entitlement_id": t.target_entitlement_id,
            "status": t.status,
            "verified_at": t.verified_at,
            "verified_by_import_id": t.verified_by_import_id,
        }
        for t in campaigns.tasks_of(session, principal, campaign_id)
    ]


@router.get("/{campaign_id}/report.csv")
def report_csv(campaign_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Response:
    """Export the campaign's items and decisions as CSV (compliance evidence)."""
    body = reports.report_csv(session, principal, campaign_id)
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="access-review-{campaign_id}.csv"'},
    )


@router.get("/{campaign_id}/report.pdf")
def report_pdf(campaign_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Response:
    """Export the campaign report as PDF (HIPAA 164.308(a)(4), NIST 800-53 AC-2 evidence)."""
    body = reports.report_pdf(session, principal, campaign_id)
    return Response(
        body,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="access-review-{campaign_id}.pdf"'},
    )

"""Access review pages: campaigns, a campaign's progress dashboard, the focused reviewer page (bulk, keyboard)."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from tandem.access import campaigns, reports, service
from tandem.access.models import Account, Campaign, Entitlement
from tandem.access.repository import AccessRepository, by_ids, entitlements_of
from tandem.access.schemas import CampaignCreate, DecisionIn
from tandem.access.units import home_unit
from tandem.platform.api.deps import DbSession, requires
from tandem.platform.auth.principal import Principal
from tandem.platform.errors import TandemError
from tandem.platform.web.forms import WebForm, discard, form_errors, text, texts
from tandem.platform.web.render import redirect, render

router = APIRouter(include_in_schema=False)
VIEW, REVIEW = "access.view", "access.review"
SCRIPT = (Path(__file__).parent / "static" / "review.js").read_bytes()


@router.get("/access/static/review.js", dependencies=[requires("public")])
def review_js() -> Response:
    """Serve the reviewer page's keyboard script (no inline scripts under the CSP)."""
    return Response(
        SCRIPT, media_type="text/javascript; charset=utf-8", headers={"Cache-Control": "public, max-age=3600"}
    )


def _campaigns(session: Any, principal: Principal) -> list[Campaign]:
    stmt = AccessRepository(session, Campaign).visible(principal).order_by(Campaign.created_at.desc())
    return list(session.scalars(stmt.limit(100)))


@router.get("/access/campaigns")
def campaigns_page(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> HTMLResponse:
    """Campaigns with progress, and the form to start one."""
    rows = [(c, campaigns.status(session, principal, c.id)) for c in _campaigns(session, principal)]
    return render(request, "access/campaigns.html", rows=rows, values={}, errors={})


@router.post("/access/campaigns")
def create_page(
    request: Request, form: WebForm, session: DbSession, principal: Principal = requires(REVIEW)
) -> Response:
    """Start a campaign from the form."""
    values = {k: text(form, k, 300) for k in ("name", "due_date", "reviewer", "non_response")}
    categories = [c.strip() for c in text(form, "categories", 500).split(",") if c.strip()]
    try:
        data = CampaignCreate.model_validate(
            {**values, "scope": {"data_categories": categories}, "org_unit_id": home_unit(session)}
        )
        made = campaigns.create_campaign(session, principal, data)
    except ValidationError as exc:
        errors = {str(e["loc"][0]): e["msg"] for e in exc.errors()}
        return _form_again(request, session, principal, {**values, "categories": ", ".join(categories)}, errors)
    except TandemError as exc:
        discard(session)
        return _form_again(
            request, session, principal, {**values, "categories": ", ".join(categories)}, form_errors(exc)
        )
    return redirect(f"/access/campaigns/{made.id}", "Campaign started.")


def _form_again(
    request: Request, session: Any, principal: Principal, values: dict[str, Any], errors: dict[str, str]
) -> HTMLResponse:
    rows = [(c, campaigns.status(session, principal, c.id)) for c in _campaigns(session, principal)]
    return render(request, "access/campaigns.html", 422, rows=rows, values=values, errors=errors)


@router.get("/access/campaigns/{campaign_id}")
def campaign_page(
    campaign_id: uuid.UUID, request: Request, session: DbSession, principal: Principal = requires(VIEW)
) -> HTMLResponse:
    """A campaign's dashboard: progress overall and per reviewer, decisions, remediation."""
    campaign = campaigns.get_campaign(session, principal, campaign_id)
    return render(
        request,
        "access/campaign.html",
        c=campaign,
        state=campaigns.status(session, principal, campaign_id),
        today=dt.date.today(),
    )


@router.get("/access/campaigns/{campaign_id}/review")
def review_page(
    campaign_id: uuid.UUID, request: Request, session: DbSession, principal: Principal = requires(VIEW)
) -> HTMLResponse:
    """The reviewer's page: pending items with why each is flagged; select many, decide with the keyboard."""
    campaign = campaigns.get_campaign(session, principal, campaign_id)
    raw = request.query_params.get("reviewer")
    me = campaigns.reviewer_identity(session, principal)
    state = campaigns.status(session, principal, campaign_id)
    mine = me is not None and any(r["reviewer_id"] == me.id for r in state["reviewers"])
    try:
        # A reviewer lands on their own items; "everyone" (reviewer=) or another reviewer is one choice away.
        reviewer = uuid.UUID(raw) if raw else (me.id if raw is None and mine and me is not None else None)
    except ValueError:
        reviewer = None
    show_all = request.query_params.get("all") == "1"
    items = campaigns.items(session, principal, campaign_id, reviewer_id=reviewer, pending=not show_all)[:500]
    accounts = by_ids(session, Account, [i.account_id for i in items])
    ents = by_ids(session, Entitlement, [i.entitlement_id for i in items])
    systems = service.system_names(session, principal)
    # "Reduce to" choices: the entitlements of the systems on this page, by system.
    targets: dict[str, list[Entitlement]] = {}
    for ent in entitlements_of(session, {e.system_id for e in ents.values()}):
        targets.setdefault(systems.get(ent.system_id, ""), []).append(ent)
    return render(
        request,
        "access/review.html",
        c=campaign,
        items=items,
        accounts=accounts,
        ents=ents | by_ids(session, Entitlement, [i.target_entitlement_id for i in items]),
        systems=systems,
        targets={k: sorted(v, key=lambda e: e.name.lower()) for k, v in sorted(targets.items())},
        reviewer=reviewer,
        reviewers=state["reviewers"],
        show_all=show_all,
        me=me if mine else None,
    )


@router.post("/access/campaigns/{campaign_id}/decisions")
def decide_page(
    campaign_id: uuid.UUID, form: WebForm, session: DbSession, principal: Principal = requires(REVIEW)
) -> Response:
    """Record the chosen decision for every selected item."""
    back = f"/access/campaigns/{campaign_id}/review" + (
        f"?reviewer={text(form, 'reviewer', 40)}" if text(form, "reviewer", 40) else ""
    )
    reducing = text(form, "decision", 10) == "reduce"
    try:
        data = DecisionIn.model_validate(
            {
                "item_ids": texts(form, "item")[:1000],
                "decision": text(form, "decision", 10),
                "comment": text(form, "comment", 5000),
                "target_entitlement_id": (text(form, "target", 40) or None) if reducing else None,
            }
        )
        done = campaigns.decide(session, principal, campaign_id, data)
    except ValidationError as exc:
        if any("target_entitlement_id" in e["loc"] for e in exc.errors()):
            return redirect(back, "Choose the entitlement to reduce to from the list.")
        return redirect(back, "Select at least one item and a decision.")
    except TandemError as exc:
        discard(session)
        return redirect(back, exc.message)
    return redirect(back, f"{data.decision.capitalize()}: {len(done)} item(s).")


@router.post("/access/campaigns/{campaign_id}/close")
def close_page(campaign_id: uuid.UUID, session: DbSession, principal: Principal = requires(REVIEW)) -> Response:
    """Close the campaign, applying its non-response policy."""
    try:
        campaigns.close_campaign(session, principal, campaign_id)
    except TandemError as exc:
        discard(session)
        return redirect(f"/access/campaigns/{campaign_id}", exc.message)
    return redirect(f"/access/campaigns/{campaign_id}", "Campaign closed.")


@router.get("/access/campaigns/{campaign_id}/report.csv")
def report_csv(campaign_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Response:
    """Download the campaign's evidence as CSV."""
    return Response(
        reports.report_csv(session, principal, campaign_id),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="access-review-{campaign_id}.csv"'},
    )


@router.get("/access/campaigns/{campaign_id}/report.pdf")
def report_pdf(campaign_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Response:
    """Download the campaign report as PDF."""
    return Response(
        reports.report_pdf(session, principal, campaign_id),
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="access-review-{campaign_id}.pdf"'},
    )

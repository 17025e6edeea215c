"""Vendor pages: the list, one vendor with both lenses side by side, renewals, portfolio, questionnaires."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from tandem.platform.api.deps import DbSession, requires
from tandem.platform.auth import service as auth
from tandem.platform.auth.permissions import visible_unit_ids
from tandem.platform.auth.principal import Principal
from tandem.platform.errors import InvalidInput, TandemError
from tandem.platform.references import related
from tandem.platform.web.forms import discard, text
from tandem.platform.web.render import redirect, render
from tandem.vendors import actions, assessments, charts, service, spend
from tandem.vendors.settings import get_vendors_settings
from tandem.vendors.vocab import (
    AGREEMENT_KINDS,
    AGREEMENT_LABELS,
    AGREEMENT_STATUSES,
    CONTRACT_STATUSES,
    DOCUMENT_KINDS,
    LEGAL_ROLES,
    NETWORK_ACCESS,
    PAYMENT_SCHEDULES,
    TIERS,
    TRANSFER_MECHANISMS,
)

router = APIRouter(include_in_schema=False)
VIEW, IMPORT, ASSESS = "vendors.view", "vendors.import", "vendors.assess"


@router.get("/vendors")
def list_page(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> HTMLResponse:
    """Every vendor with spend, tier, residual rating, flags and next notice deadline."""
    q = request.query_params.get("q", "")[:200].lower()
    rows = [r for r in service.portfolio(session, principal) if q in r["vendor"].name.lower()]
    return render(request, "vendors/list.html", rows=rows, q=q)


@router.get("/vendors/renewals")
def renewals_page(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> HTMLResponse:
    """The renewal calendar: notice deadlines in the next 30/60/90 days (or the setting)."""
    raw = request.query_params.get("days", "")
    days = int(raw) if raw.isdigit() and int(raw) <= 730 else get_vendors_settings().renewal_horizon_days
    rows = spend.upcoming_renewals(session, principal, days)
    return render(request, "vendors/renewals.html", rows=rows, days=days, choices=(30, 60, 90, 180, 365))


@router.get("/vendors/portfolio")
def portfolio_page(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> HTMLResponse:
    """Spend × risk tier bubbles and spend concentration per vendor, category, application and capability."""
    rows = service.portfolio(session, principal)
    summary = spend.spend_summary(session, principal)
    currencies = summary["currencies"]
    currency = request.query_params.get("currency", "")
    currency = currency if currency in currencies else (currencies[0] if currencies else "USD")
    return render(request, "vendors/portfolio.html", rows=rows, summary=summary, currency=currency,
                  currencies=currencies, bubbles=charts.bubble_chart(rows, currency),
                  concentration=charts.concentration_chart(summary["by_vendor"].get(currency, []),
                                                           currency))  # fmt: skip


@router.get("/vendors/questionnaires")
def questionnaires_page(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> HTMLResponse:
    """The shipped baseline and imported questionnaires, and the import form."""
    return _questionnaires(request, session, principal, {}, {})


def _questionnaires(
    request: Request, session: Any, principal: Principal, values: dict[str, str], errors: dict[str, str]
) -> HTMLResponse:
    items = assessments.catalogue(session, principal)
    shown = request.query_params.get("show", "baseline")
    detail = next((i for i in items if i["id"] == shown), items[0])
    return render(request, "vendors/questionnaires.html", 422 if errors else 200, items=items, detail=detail,
                  values=values, errors=errors)  # fmt: skip


@router.post("/vendors/questionnaires/import")
async def import_questionnaire_page(
    request: Request, session: DbSession, principal: Principal = requires(IMPORT)
) -> Response:
    """Import a CSV/XLSX questionnaire from the browser; errors are listed with file, row and column."""
    form = await request.form()
    upload = form.get("file")
    values = {"name": text(form, "name", 200), "sheet": text(form, "sheet", 100), "licence": text(form, "licence")}
    try:
        if upload is None or isinstance(upload, str) or not upload.filename:
            raise InvalidInput.one("file", "choose a .csv or .xlsx file")
        data = await upload.read(get_vendors_settings().max_document_bytes + 1)
        if len(data) > get_vendors_settings().max_document_bytes:
            raise InvalidInput.one("file", "the file is too large")
        units = visible_unit_ids(session, principal, actions.IMPORT.name)
        unit = _home_unit(session, units)
        q = assessments.import_questionnaire(session, principal, data, upload.filename, values["name"], unit,
                                             values["sheet"] or None, values["licence"])  # fmt: skip
    except TandemError as exc:
        discard(session)
        errors = ({e.location: e.reason for e in exc.errors} if isinstance(exc, InvalidInput)
                  else {"_form": exc.message})  # fmt: skip
        return _questionnaires(request, session, principal, values, errors)
    return redirect(f"/vendors/questionnaires?show={q.id}", f"Imported {len(q.questions)} questions.")


def _home_unit(session: Any, units: list[uuid.UUID]) -> uuid.UUID:
    root = auth.root_unit(session)
    if root is not None and root.id in units:
        return root.id
    if not units:
        raise InvalidInput.one("unit", "you may not import anywhere")
    return units[0]


@router.get("/vendors/assessments/{assessment_id}")
def assessment_page(
    assessment_id: uuid.UUID, request: Request, session: DbSession, principal: Principal = requires(VIEW)
) -> HTMLResponse:
    """An assessment's answers, evidence and scores per section, for the security team."""
    a = assessments.get_assessment(session, principal, assessment_id)
    vendor = service.find_vendor(session, principal, str(a.vendor_id))
    return render(request, "vendors/assessment.html", a=a, vendor=vendor, read=assessments.to_read(a),
                  evidence=assessments.evidence_of(session, a), link=None)  # fmt: skip


@router.get("/vendors/{vendor_id}")
def vendor_page(
    vendor_id: uuid.UUID, request: Request, session: DbSession, principal: Principal = requires(VIEW)
) -> HTMLResponse:
    """One vendor: the CIO lens (contracts, spend, renewals, documents) beside the CISO lens (reach, tier,
    agreements, flags, assessments, findings)."""
    return vendor_view(request, session, principal, vendor_id)


def vendor_view(
    request: Request, session: Any, principal: Principal, vendor_id: uuid.UUID,
    errors: dict[str, str] | None = None, values: dict[str, str] | None = None,
) -> HTMLResponse:  # fmt: skip
    """Render the vendor page (with a form's errors when a post failed)."""
    o = service.vendor_overview(session, principal, vendor_id)
    return render(request, "vendors/vendor.html", 422 if errors else 200, o=o, errors=errors or {},
                  values=values or {}, risk_scenarios=related(session, principal, "vendor", vendor_id),
                  questionnaires=[assessments.summary(q) for q in assessments.catalogue(session, principal)],
                  vocab={"contract_statuses": CONTRACT_STATUSES, "schedules": PAYMENT_SCHEDULES,
                         "agreement_kinds": AGREEMENT_KINDS, "agreement_labels": AGREEMENT_LABELS,
                         "agreement_statuses": AGREEMENT_STATUSES, "legal_roles": LEGAL_ROLES,
                         "mechanisms": TRANSFER_MECHANISMS, "network": NETWORK_ACCESS, "tiers": TIERS,
                         "document_kinds": DOCUMENT_KINDS})  # fmt: skip


@router.post("/vendors/offboarding/verify")
def verify_offboarding_page(session: DbSession, principal: Principal = requires(ASSESS)) -> Response:
    """Check offboarded vendors against the latest access import; enabled accounts become findings."""
    try:
        rows = service.verify_offboarding(session, principal)
    except TandemError as exc:
        discard(session)
        return redirect("/vendors", exc.message[:190])
    counts = {s: sum(r["state"] == s for r in rows) for s in ("still active", "verified", "waiting")}
    summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n) or "no offboarded vendor"
    return redirect("/vendors", f"Offboarding checked against the latest access import: {summary}.")

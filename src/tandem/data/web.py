"""Data catalog pages: the categories x stores matrix, a store's drill-down with classification, scans and diffs."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from tandem.data import catalog, service
from tandem.data.schemas import ClassifyIn, ScanCreate
from tandem.inventory import service as inventory
from tandem.inventory.vocab import CLASSIFICATIONS, DATA_CATEGORIES
from tandem.platform.api.deps import DbSession, requires
from tandem.platform.auth.principal import Principal
from tandem.platform.errors import TandemError
from tandem.platform.web.forms import WebForm, discard, form_errors, text
from tandem.platform.web.render import redirect, render

router = APIRouter(include_in_schema=False)
VIEW, SCAN, CLASSIFY = "data.view", "data.scan", "data.classify"


def _catalog(
    request: Request, session: DbSession, principal: Principal, status: int = 200, errors: dict[str, str] | None = None
) -> HTMLResponse:
    return render(
        request,
        "data/catalog.html",
        status,
        catalog=catalog.matrix(session, principal),
        labels=DATA_CATEGORIES,
        errors=errors or {},
    )


@router.get("/data")
def catalog_page(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> HTMLResponse:
    """Where is our sensitive data: data categories x data stores, with the scan form."""
    return _catalog(request, session, principal)


@router.post("/data/scans")
def start_scan(request: Request, form: WebForm, session: DbSession, principal: Principal = requires(SCAN)) -> Response:
    """Queue a scan from the form."""
    try:
        body = ScanCreate(source=text(form, "source", 1000) or " ", store_name=text(form, "store_name", 200))
        scan = service.create_scan(session, principal, body)
    except TandemError as exc:
        discard(session)
        return _catalog(request, session, principal, 422, form_errors(exc))
    except ValueError as exc:
        discard(session)
        return _catalog(request, session, principal, 422, {"source": str(exc)[:200]})
    return redirect(f"/data/scans/{scan.id}", "Scan queued")


@router.get("/data/stores/{store_id}")
def store_page(
    store_id: uuid.UUID, request: Request, session: DbSession, principal: Principal = requires(VIEW)
) -> HTMLResponse:
    """A store's latest findings per file or column, its suggested classification and its scan history."""
    store = inventory.get_record(session, principal, service.STORES, store_id)
    latest = catalog.latest_scan(session, principal, store_id)
    objects = service.scan_objects(session, principal, latest.id) if latest else []
    return render(
        request,
        "data/store.html",
        store=store,
        latest=latest,
        objects=objects,
        hint=catalog.suggestion(session, principal, store_id),
        levels=CLASSIFICATIONS,
        history=service.store_history(session, principal, store_id),
        labels=DATA_CATEGORIES,
    )


@router.post("/data/stores/{store_id}/classification")
def classify(
    store_id: uuid.UUID, form: WebForm, session: DbSession, principal: Principal = requires(CLASSIFY)
) -> Response:
    """Confirm or correct the store's classification."""
    try:
        cats = form.getlist("data_categories")
        level = text(form, "classification", 20)
        body = ClassifyIn.model_validate(
            {
                **({"data_categories": [str(c) for c in cats]} if text(form, "decision", 10) == "correct" else {}),
                **({"classification": level} if level and text(form, "decision", 10) == "correct" else {}),
            }
        )
        catalog.classify_store(session, principal, store_id, body)
    except TandemError as exc:
        discard(session)
        return redirect(f"/data/stores/{store_id}", "; ".join(form_errors(exc).values())[:200])
    return redirect(f"/data/stores/{store_id}", "Classification recorded in the inventory")


@router.get("/data/scans/{scan_id}")
def scan_page(
    scan_id: uuid.UUID, request: Request, session: DbSession, principal: Principal = requires(VIEW)
) -> HTMLResponse:
    """A scan: progress or result, its objects and what changed since the previous scan."""
    scan = service.get_scan(session, principal, scan_id)
    change = service.diff_scans(session, principal, scan_id) if scan.status == "succeeded" else None
    return render(
        request, "data/scan.html", scan=scan, objects=service.scan_objects(session, principal, scan_id), change=change
    )


@router.post("/data/scans/{scan_id}/{verb}")
def scan_action(scan_id: uuid.UUID, verb: str, session: DbSession, principal: Principal = requires(SCAN)) -> Response:
    """Cancel, resume or re-run a scan."""
    actions = {"cancel": service.cancel_scan, "resume": service.resume_scan, "rescan": service.rescan}
    try:
        if verb not in actions:
            return redirect(f"/data/scans/{scan_id}", "Unknown action")
        scan = actions[verb](session, principal, scan_id)
    except TandemError as exc:
        discard(session)
        return redirect(f"/data/scans/{scan_id}", "; ".join(form_errors(exc).values())[:200])
    return redirect(f"/data/scans/{scan.id}", f"Scan {scan.status}")

"""Watch pages: the list with filters, counts, sources and the import form; an item with its matches and triage."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData, UploadFile

from tandem.platform.api.deps import DbSession, requires
from tandem.platform.auth.principal import Principal
from tandem.platform.config import get_settings
from tandem.platform.db.paging import PageRequest
from tandem.platform.errors import FieldError, InvalidInput, TandemError
from tandem.platform.jobs.service import enqueue
from tandem.platform.safety.errors import UnsafeInput
from tandem.platform.safety.uploads import read_limited, safe_filename
from tandem.platform.web.forms import WebForm, discard, form_errors, text
from tandem.platform.web.render import redirect, render
from tandem.reporting.queries import watch as queries
from tandem.reporting.watch import feeds, fetch, service
from tandem.reporting.watch.models import STATUSES
from tandem.reporting.watch.schemas import TriageIn

router = APIRouter(include_in_schema=False)
VIEW, WATCH = "reporting.view", "reporting.watch"
FILTERS = ("source", "status", "matched", "severity", "q", "cursor", "sort")
LINKS = ("owner_id", "risk_scenario_id", "framework_id")


def _list(request: Request, session: Any, principal: Principal, status: int = 200,
          errors: dict[str, str] | None = None) -> HTMLResponse:  # fmt: skip
    params = {k: v for k, v in request.query_params.items() if v and k in FILTERS}
    page = service.list_items(session, principal, PageRequest.parse(service.ITEM_SPEC, {"limit": "100", **params}))
    return render(request, "reporting/watch/list.html", status, page=page, params=params, statuses=STATUSES,
                  sources=feeds.SOURCES, formats=feeds.FORMATS, counts=service.counts(session, principal),
                  source_status=service.source_status(session, principal), errors=errors or {})  # fmt: skip


@router.get("/reporting/watch")
def list_page(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> HTMLResponse:
    """The watch list: filters by source, status and matched; counts; sources; the import form."""
    try:
        return _list(request, session, principal)
    except InvalidInput as exc:
        return render(request, "reporting/watch/list.html", 422, page=None, params={}, statuses=STATUSES,
                      sources=feeds.SOURCES, formats=feeds.FORMATS, counts=service.counts(session, principal),
                      source_status=[], errors=form_errors(exc))  # fmt: skip


async def _upload(form: FormData, name: str, required: bool) -> tuple[bytes | None, str]:
    upload = form.get(name)
    if not isinstance(upload, UploadFile) or not upload.filename:
        if required:
            raise InvalidInput.one(name, "choose a file")
        return None, ""
    return read_limited(upload.file, get_settings().max_upload_bytes, upload.filename), safe_filename(upload.filename)


@router.post("/reporting/watch/import")
async def import_page(
    request: Request, form: WebForm, session: DbSession, principal: Principal = requires(WATCH)
) -> Response:
    """Import an uploaded feed file (all items or none)."""
    try:
        data, name = await _upload(form, "file", True)
        checksum, _ = await _upload(form, "sha512", False)
        result = service.import_document(session, principal, text(form, "source", 40), data or b"", name, checksum)
    except (TandemError, UnsafeInput) as exc:
        discard(session)
        errors = form_errors(exc) if isinstance(exc, TandemError) else {"file": str(exc)}
        return _list(request, session, principal, 422, errors)
    note = f" ({result.note})" if result.note else ""
    return redirect("/reporting/watch", f"{result.origin}: {result.new} new item(s), {result.matched} matched, "
                                        f"{result.already_seen} already seen{note}")  # fmt: skip


@router.post("/reporting/watch/fetch")
def fetch_page(request: Request, session: DbSession, principal: Principal = requires(WATCH)) -> Response:
    """Queue a fetch of every enabled source."""
    try:
        wanted = fetch.require_enabled(None)
    except TandemError as exc:
        return _list(request, session, principal, 409, {"fetch": exc.message})
    job = enqueue(session, "reporting.fetch_watch", {"sources": wanted})
    return redirect(f"/jobs/{job.id}", "Fetch queued")


def _item(request: Request, session: Any, principal: Principal, item_id: uuid.UUID, status: int = 200,
          errors: dict[str, str] | None = None) -> HTMLResponse:  # fmt: skip
    item = service.get_item(session, principal, item_id)
    can_triage = principal.can_anywhere(WATCH)
    return render(request, "reporting/watch/item.html", status, item=item, statuses=STATUSES, errors=errors or {},
                  labels=queries.link_labels(session, principal, item),
                  choices=queries.link_choices(session, principal) if can_triage else {})  # fmt: skip


@router.get("/reporting/watch/{item_id}")
def item_page(
    item_id: uuid.UUID, request: Request, session: DbSession, principal: Principal = requires(VIEW)
) -> HTMLResponse:
    """An item: what it is, why it matched, and its triage form."""
    return _item(request, session, principal, item_id)


def _triage_body(form: FormData) -> TriageIn:
    data: dict[str, Any] = {k: text(form, k, 20_000) for k in ("status", "task", "notes")}
    data["task_due"] = text(form, "task_due", 20).strip() or None
    data["task_done"] = text(form, "task_done", 5) == "on"
    data.update({k: text(form, k, 40).strip() or None for k in LINKS})
    try:
        return TriageIn.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(
            [FieldError(".".join(["body", *map(str, e["loc"])]), e["msg"]) for e in exc.errors()]
        ) from None


@router.post("/reporting/watch/{item_id}")
def triage_page(
    item_id: uuid.UUID, request: Request, form: WebForm, session: DbSession, principal: Principal = requires(WATCH)
) -> Response:
    """Save the triage form."""
    try:
        service.triage(session, principal, item_id, _triage_body(form))
    except InvalidInput as exc:
        discard(session)
        return _item(request, session, principal, item_id, 422, form_errors(exc))
    return redirect(f"/reporting/watch/{item_id}", "Triage saved")

"""REST routes /api/v1/reporting/watch: items with filters, triage, counts, sources, imports and fetches."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from tandem.platform.api.deps import DbSession, actor_of, get_db, requires
from tandem.platform.api.paging import PageOut, page_out, page_request
from tandem.platform.auth.principal import Principal
from tandem.platform.config import get_settings
from tandem.platform.db.uow import unit_of_work
from tandem.platform.errors import InvalidInput
from tandem.platform.jobs.service import enqueue
from tandem.platform.safety.uploads import safe_filename
from tandem.reporting.watch import fetch, service
from tandem.reporting.watch.schemas import ImportResult, TriageIn, WatchCounts, WatchItemRead

router = APIRouter(prefix="/api/v1/reporting/watch", tags=["reporting"])
VIEW, WATCH = "reporting.view", "reporting.watch"
FORMAT_PATTERN = "^(kev|csaf|rss|federal-register|ecfr)$"


class FetchQueued(BaseModel):
    """The fetch job that was queued."""

    job_id: uuid.UUID
    name: str
    sources: list[str]


@router.get("/items", response_model=PageOut[WatchItemRead])
def list_items(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """List watch items, newest first (filters: source, status, matched=true|false, severity; q)."""
    return page_out(service.list_items(session, principal, page_request(request, service.ITEM_SPEC)), service.to_read)


@router.get("/items/{item_id}", response_model=WatchItemRead)
def get_item(item_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return one item with the reasons it matched and its triage."""
    return service.to_read(service.get_item(session, principal, item_id))


@router.patch("/items/{item_id}", response_model=WatchItemRead)
def triage_item(item_id: uuid.UUID, body: TriageIn, session: DbSession, principal: Principal = requires(WATCH)) -> Any:
    """Triage an item: status, owner (a person), follow-up task and due date, risk or framework link, notes."""
    return service.to_read(service.triage(session, principal, item_id, body))


@router.get("/counts", response_model=WatchCounts)
def counts(session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Count items by status and source, and the matched ones."""
    return service.counts(session, principal)


@router.get("/sources")
def sources(session: DbSession, principal: Principal = requires(VIEW)) -> list[dict[str, Any]]:
    """Return each source: fetching on or off, its URLs, and its last import or error."""
    return service.source_status(session, principal)


@router.post("/imports", response_model=ImportResult)
async def import_file(
    request: Request,
    source: str = Query(..., pattern=FORMAT_PATTERN),
    file_name: str = Query("feed", max_length=200),
    sha512: str | None = Query(None, max_length=300, description="The CSAF document's published .sha512 line"),
    principal: Principal = requires(WATCH),
) -> Any:
    """Import the request body as a feed document (all items or none; errors name the place in the file)."""
    data = await request.body()
    limit = get_settings().max_upload_bytes
    if len(data) > limit:
        raise InvalidInput.one("body", f"the file exceeds the {limit}-byte upload limit")

    def run() -> ImportResult:
        with unit_of_work(get_db(request), actor=actor_of(principal, request)) as session:
            checksum = sha512.encode() if sha512 else None
            return service.import_document(session, principal, source, data, safe_filename(file_name), checksum)

    return await run_in_threadpool(run)


@router.post("/fetches", status_code=202, response_model=FetchQueued)
def queue_fetch(
    session: DbSession, source: list[str] = Query(default=[]), principal: Principal = requires(WATCH)
) -> Any:
    """Queue a fetch of the enabled sources (or the named ones, which must be enabled)."""
    wanted = fetch.require_enabled(source or None)
    job = enqueue(session, "reporting.fetch_watch", {"sources": wanted})
    return FetchQueued(job_id=job.id, name=job.name, sources=wanted)


@router.post("/rematch")
def rematch(session: DbSession, principal: Principal = requires(WATCH)) -> dict[str, int]:
    """Match every stored item again against the current inventory and frameworks."""
    return {"matched": service.rematch(session, principal)}

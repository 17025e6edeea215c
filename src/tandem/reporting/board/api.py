"""REST routes /api/v1/reporting/board-packs: list, generate for a quarter, read, edit sections, publish, and the
PDF and HTML documents (downloads, rendered from the pack's snapshot)."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from tandem.platform.api.deps import DbSession, requires
from tandem.platform.api.paging import page_out, page_request
from tandem.platform.auth.principal import Principal
from tandem.platform.safety.uploads import content_disposition
from tandem.reporting.board import documents, service
from tandem.reporting.board.models import BoardPack
from tandem.reporting.board.repository import LIST_SPEC
from tandem.reporting.board.schemas import BoardPackCreate, BoardPackRead, BoardPackSummary, BoardPackUpdate

router = APIRouter(prefix="/api/v1/reporting", tags=["reporting"])
VIEW, EDIT, PUBLISH = "reporting.view", "reporting.edit", "reporting.publish"
BASE = "/api/v1/reporting/board-packs"


def to_read(pack: BoardPack) -> BoardPackRead:
    """Return the API shape of a pack."""
    return BoardPackRead.model_validate({
        **{k: getattr(pack, k) for k in ("id", "quarter", "version", "title", "status", "sections", "snapshot_sha256",
                                         "generated_at", "generated_by", "published_at", "published_by")},
        "pdf_url": f"{BASE}/{pack.id}/pdf", "html_url": f"{BASE}/{pack.id}/html",
    })  # fmt: skip


def download(pack: BoardPack, kind: str) -> Response:
    """Return a pack's PDF or HTML as an attachment (never rendered inline by the browser)."""
    service.verify(pack)
    if kind == "pdf":
        body: bytes | str = documents.pdf_bytes(pack)
        media = "application/pdf"
    else:
        body, media = documents.html_text(pack), "text/html; charset=utf-8"
    headers = {"Content-Disposition": content_disposition(f"{service.file_stem(pack)}.{kind}"),
               "X-Content-Type-Options": "nosniff"}  # fmt: skip
    return Response(body, media_type=media, headers=headers)


def _summary(pack: BoardPack) -> BoardPackSummary:
    return BoardPackSummary.model_validate(pack, from_attributes=True)


@router.get("/board-packs")
def list_packs(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """List board packs, newest first (filters: quarter such as 2026Q4, status draft|published; q: title)."""
    return page_out(service.page_packs(session, principal, page_request(request, LIST_SPEC)), _summary)


@router.post("/board-packs", status_code=201, response_model=BoardPackRead)
def create_pack(body: BoardPackCreate, session: DbSession, principal: Principal = requires(EDIT)) -> Any:
    """Generate a quarter's pack: a new draft, fresh data for its draft, or the next version after a published one."""
    return to_read(service.generate_pack(session, principal, body.quarter))


@router.get("/board-packs/{pack_id}", response_model=BoardPackRead)
def get_pack(pack_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return a pack with its sections and the SHA-256 of its data snapshot."""
    return to_read(service.get_pack(session, principal, pack_id))


@router.get("/board-packs/{pack_id}/snapshot")
def get_snapshot(pack_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return the data snapshot the pack was built from (its canonical JSON hashes to snapshot_sha256)."""
    return service.get_pack(session, principal, pack_id).snapshot


@router.patch("/board-packs/{pack_id}", response_model=BoardPackRead)
def update_pack(
    pack_id: uuid.UUID, body: BoardPackUpdate, session: DbSession, principal: Principal = requires(EDIT)
) -> Any:
    """Change a draft's title, which sections it includes and their commentary (published packs: 409)."""
    return to_read(service.update_pack(session, principal, pack_id, body))


@router.post("/board-packs/{pack_id}/publish", response_model=BoardPackRead)
def publish_pack(pack_id: uuid.UUID, session: DbSession, principal: Principal = requires(PUBLISH)) -> Any:
    """Publish a draft; it is immutable from then on."""
    return to_read(service.publish_pack(session, principal, pack_id))


@router.get("/board-packs/{pack_id}/pdf")
def pack_pdf(pack_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Response:
    """Download the pack as PDF."""
    return download(service.get_pack(session, principal, pack_id), "pdf")


@router.get("/board-packs/{pack_id}/html")
def pack_html(pack_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Response:
    """Download the pack as one self-contained HTML file."""
    return download(service.get_pack(session, principal, pack_id), "html")

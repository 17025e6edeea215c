"""Board pack pages: the list (generate a quarter as a job with progress), a pack with its sections, editable
commentary and publish, and the PDF / HTML downloads."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from tandem.platform.api.deps import DbSession, requires
from tandem.platform.auth.permissions import require
from tandem.platform.auth.principal import Principal
from tandem.platform.db.types import utcnow
from tandem.platform.errors import FieldError, InvalidInput, TandemError
from tandem.platform.jobs.service import enqueue
from tandem.platform.web.forms import WebForm, discard, form_errors, text
from tandem.platform.web.render import redirect, render
from tandem.reporting.board import documents, jobs, service
from tandem.reporting.board.api import download
from tandem.reporting.board.models import BoardPack
from tandem.reporting.board.quarters import parse_quarter, quarter_of
from tandem.reporting.board.schemas import COMMENTARY_MAX, BoardPackUpdate

router = APIRouter(include_in_schema=False)
VIEW, EDIT, PUBLISH = "reporting.view", "reporting.edit", "reporting.publish"


def _may(session: Any, principal: Principal, action: str, pack: BoardPack | None = None) -> bool:
    try:
        require(session, principal, action, pack)
    except TandemError:
        return False
    return True


@router.get("/reporting/board")
def list_page(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> HTMLResponse:
    """Every board pack version, newest first, and the form to generate a quarter's pack."""
    packs = service.list_packs(session, principal)
    return render(request, "reporting/board/list.html", packs=packs, can_edit=_may(session, principal, EDIT),
                  quarter=quarter_of(utcnow().date()).label, errors={})  # fmt: skip


@router.post("/reporting/board/generate")
def generate_page(
    request: Request, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Queue the generation of a quarter's pack and follow its progress on the job page."""
    raw = text(form, "quarter", 16)
    try:
        quarter = parse_quarter(raw, "form.quarter")
        if quarter.start > utcnow().date():
            raise InvalidInput.one("form.quarter", f"{quarter.label} has not started yet")
        service.authorise_generate(session, principal)
    except TandemError as exc:
        discard(session)
        packs = service.list_packs(session, principal)
        return render(request, "reporting/board/list.html", 422, packs=packs, can_edit=True, quarter=raw,
                      errors=form_errors(exc))  # fmt: skip
    job = enqueue(session, jobs.NAME, {"quarter": quarter.label})
    return redirect(f"/jobs/{job.id}", f"Generating the {quarter.label} board pack.")


def _pack_page(
    request: Request, session: Any, principal: Principal, pack: BoardPack, errors: dict[str, str] | None = None
) -> HTMLResponse:
    draft = pack.status == "draft"
    return render(request, "reporting/board/pack.html", 422 if errors else 200, **documents.context(pack),
                  sections=pack.sections, errors=errors or {}, commentary_max=COMMENTARY_MAX,
                  can_edit=draft and _may(session, principal, EDIT, pack),
                  can_publish=draft and _may(session, principal, PUBLISH, pack),
                  versions=service.list_packs(session, principal, pack.quarter))  # fmt: skip


@router.get("/reporting/board/{pack_id}")
def pack_page(
    pack_id: uuid.UUID, request: Request, session: DbSession, principal: Principal = requires(VIEW)
) -> HTMLResponse:
    """A pack: its sections as the board will read them, commentary, publish and downloads."""
    return _pack_page(request, session, principal, service.get_pack(session, principal, pack_id))


def _update_from_form(form: Any, pack: BoardPack) -> BoardPackUpdate:
    sections = [{"key": s["key"], "included": s["key"] == "summary" or text(form, f"included.{s['key']}") == "on",
                 "commentary": text(form, f"commentary.{s['key']}", COMMENTARY_MAX + 1)}
                for s in pack.sections]  # fmt: skip
    try:
        return BoardPackUpdate.model_validate({"title": text(form, "title", 301).strip() or None,
                                               "sections": sections})  # fmt: skip
    except ValidationError as exc:
        raise InvalidInput([FieldError(".".join(["form", *map(str, e["loc"])]), e["msg"])
                            for e in exc.errors()]) from None  # fmt: skip


@router.post("/reporting/board/{pack_id}/sections")
def sections_page(
    pack_id: uuid.UUID, request: Request, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Save the title, the sections included and their commentary."""
    pack = service.get_pack(session, principal, pack_id)
    try:
        service.update_pack(session, principal, pack_id, _update_from_form(form, pack))
    except TandemError as exc:
        discard(session)
        return _pack_page(request, session, principal, service.get_pack(session, principal, pack_id),
                          form_errors(exc))  # fmt: skip
    return redirect(f"/reporting/board/{pack_id}", "Sections saved.")


@router.post("/reporting/board/{pack_id}/publish")
def publish_page(
    pack_id: uuid.UUID, request: Request, session: DbSession, principal: Principal = requires(PUBLISH)
) -> Response:
    """Publish the draft (it cannot change afterwards)."""
    try:
        pack = service.publish_pack(session, principal, pack_id)
    except TandemError as exc:
        discard(session)
        return redirect(f"/reporting/board/{pack_id}", exc.message)
    return redirect(f"/reporting/board/{pack_id}", f"Version {pack.version} of the {pack.quarter} pack is published.")


@router.get("/reporting/board/{pack_id}/pack.pdf")
def pdf_download(pack_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Response:
    """Download the pack as PDF."""
    return download(service.get_pack(session, principal, pack_id), "pdf")


@router.get("/reporting/board/{pack_id}/pack.html")
def html_download(pack_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Response:
    """Download the pack as one self-contained HTML file."""
    return download(service.get_pack(session, principal, pack_id), "html")

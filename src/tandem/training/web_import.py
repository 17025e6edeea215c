"""The import page: upload LMS completions or phishing results; all rows or none, every error located."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile

from tandem.platform.api.deps import DbSession, requires
from tandem.platform.auth import service as auth
from tandem.platform.auth.principal import Principal
from tandem.platform.config import get_settings
from tandem.platform.errors import InvalidInput, TandemError
from tandem.platform.safety.errors import UnsafeInput
from tandem.platform.safety.uploads import read_limited, safe_filename
from tandem.platform.web.forms import WebForm, discard, text
from tandem.platform.web.render import redirect, render
from tandem.training import completions, phishing

router = APIRouter(include_in_schema=False)
IMPORT = "training.import"
FORMATS = {"completions": ("", *completions.FORMATS), "phishing": ("", *phishing.FORMATS)}


def _page(request: Request, status: int = 200, **extra: Any) -> HTMLResponse:
    context = {"errors": [], "options": {"kind": "phishing"}, "formats": FORMATS}
    return render(request, "training/import.html", status, **(context | extra))


@router.get("/training/import")
def import_page(request: Request, principal: Principal = requires(IMPORT)) -> HTMLResponse:
    """Show the upload form."""
    return _page(request)


@router.post("/training/import")
def import_file(
    request: Request, form: WebForm, session: DbSession, principal: Principal = requires(IMPORT)
) -> Response:
    """Import the uploaded file; on any error show every location and keep nothing."""
    options = {k: text(form, k, 300) for k in ("kind", "format", "campaign")}
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _page(request, 422, errors=[{"location": "file", "reason": "choose a file"}], options=options)
    try:
        data = read_limited(upload.file, get_settings().max_upload_bytes, upload.filename)
        name = safe_filename(upload.filename)
        fmt = options["format"] or None
        if options["kind"] == "completions":
            result = completions.import_completions(session, principal, data, name, fmt)
            return redirect("/training", f"{name}: added {result['added']} completions "
                            f"({result['skipped']} already recorded).")  # fmt: skip
        root = auth.root_unit(session)
        if root is None:
            raise InvalidInput.one("unit", "create the organisation first")
        summary = phishing.import_results(session, principal, data, name, campaign=options["campaign"] or name,
                                          unit_id=root.id, fmt=fmt)  # fmt: skip
    except UnsafeInput as exc:
        discard(session)
        return _page(request, 422, errors=[{"location": exc.location or "file", "reason": exc.reason}], options=options)
    except TandemError as exc:
        discard(session)
        errors = ([{"location": e.location, "reason": e.reason} for e in exc.errors] if isinstance(exc, InvalidInput)
                  else [{"location": "file", "reason": exc.message}])  # fmt: skip
        return _page(request, 422, errors=errors, options=options)
    note = phishing.reimport_note(summary)
    return redirect("/training/phishing", f"Imported {summary['results']} results into {summary['campaign']!r}; "
                    f"{summary['remedial_assigned']} remedial assignments{note}.")  # fmt: skip

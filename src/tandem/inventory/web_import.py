"""The import page: upload, dry-run preview with every located error, then commit (or a job if large)."""

from __future__ import annotations

import re
import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile

from tandem.inventory import imports, jobs
from tandem.inventory import repository as repo
from tandem.inventory.columns import columns_for, key_description
from tandem.inventory.kinds import KINDS
from tandem.inventory.settings import get_inventory_settings
from tandem.platform.api.deps import DbSession, requires
from tandem.platform.auth.fields import FieldsDenied
from tandem.platform.auth.principal import Principal
from tandem.platform.config import get_settings
from tandem.platform.errors import InvalidInput, TandemError
from tandem.platform.safety.errors import UnsafeInput
from tandem.platform.safety.uploads import read_limited, safe_filename, sniff_type
from tandem.platform.web.forms import WebForm, discard, text
from tandem.platform.web.render import redirect, render

router = APIRouter(include_in_schema=False)
TOKEN = re.compile(r"^[0-9a-f]{32}$")
KIND_CHOICES = [*KINDS, "sbom"]


def _page(request: Request, session: Any, status: int = 200, **extra: Any) -> HTMLResponse:
    docs = {k: (columns_for(k), key_description(KINDS[k])) for k in KINDS}
    units = sorted(((str(i), n) for i, n in repo.unit_names(session)), key=lambda x: x[1])
    context = {"kinds": KIND_CHOICES, "docs": docs, "units": units, "errors": [], "plan": None, "options": {}}
    return render(request, "inventory/import.html", status, **(context | extra))


@router.get("/inventory/import")
def import_page(
    request: Request, session: DbSession, principal: Principal = requires("inventory.import")
) -> HTMLResponse:
    """Show the upload form and the documented columns of every kind."""
    return _page(request, session)


@router.post("/inventory/import")
async def import_preview(
    request: Request, form: WebForm, session: DbSession, principal: Principal = requires("inventory.import")
) -> Response:
    """Dry-run the uploaded file and show what would be added, changed and left alone."""
    upload = form.get("file")
    options = {
        "kind": text(form, "kind", 40),
        "unit_id": text(form, "unit_id", 64),
        "application": text(form, "application", 300),
    }
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _page(request, session, 422, errors=[{"location": "file", "reason": "choose a file"}], options=options)
    try:
        data = read_limited(upload.file, get_settings().max_upload_bytes, upload.filename)
        name = safe_filename(upload.filename)
        fmt = sniff_type(data, name, {"csv", "json"})
        plan = imports.import_file(
            session,
            principal,
            options["kind"],
            data,
            name,
            fmt=fmt,
            unit_id=_uuid(options["unit_id"]),
            application=options["application"] or None,
            dry_run=True,
        )
    except (TandemError, UnsafeInput) as exc:
        discard(session)
        return _page(request, session, 422, errors=_errors(exc), options=options)
    token = uuid.uuid4().hex
    stored = jobs.upload_dir() / f"{token}.upload"
    stored.write_bytes(data)
    stored.chmod(0o600)
    return _page(request, session, plan=plan, token=token, file_name=name, fmt=fmt, options=options)


def _errors(exc: Exception) -> list[dict[str, str]]:
    if isinstance(exc, InvalidInput | FieldsDenied):
        return [{"location": e.location, "reason": e.reason} for e in exc.errors]
    if isinstance(exc, UnsafeInput):
        return [{"location": exc.location or "file", "reason": exc.reason}]
    return [{"location": "file", "reason": getattr(exc, "message", str(exc))}]


def _uuid(raw: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(raw)
    except ValueError:
        return None


@router.post("/inventory/import/commit")
def import_commit(
    request: Request, form: WebForm, session: DbSession, principal: Principal = requires("inventory.import")
) -> Response:
    """Import the previewed file for real: inline when small, as a job with progress when large."""
    token = text(form, "token", 64)
    if not TOKEN.match(token) or not (stored := jobs.upload_dir() / f"{token}.upload").exists():
        return _page(
            request, session, 422, errors=[{"location": "file", "reason": "upload again: the preview expired"}]
        )
    kind, name, fmt = text(form, "kind", 40), safe_filename(text(form, "file_name", 200)), text(form, "fmt", 10)
    unit_id, application = _uuid(text(form, "unit_id", 64)), text(form, "application", 300) or None
    data = stored.read_bytes()
    if data.count(b"\n") > get_inventory_settings().job_threshold_rows:
        stored.unlink()
        job = jobs.enqueue_import(
            session,
            principal.user_id,
            data,
            kind=kind,
            file_name=name,
            unit_id=unit_id,
            application=application,
            fmt=fmt,
        )
        return redirect(f"/jobs/{job.id}", "The import runs in the background; this page shows its progress.")
    try:
        result = imports.import_file(
            session, principal, kind, data, name, fmt=fmt, unit_id=unit_id, application=application
        )
    except TandemError as exc:
        discard(session)
        return _page(request, session, 422, errors=_errors(exc))
    finally:
        stored.unlink(missing_ok=True)
    target = "software" if kind == "sbom" else kind
    return redirect(
        f"/inventory/{target}",
        f"Imported {name}: added {result['added']}, changed {result['changed']}, left alone {result['unchanged']}.",
    )

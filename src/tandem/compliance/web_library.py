"""Library forms: import a framework (OSCAL catalog or profile, simple CSV/YAML) or a mapping file from the browser;
edit and delete evidence."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile

from tandem.compliance.common import validate
from tandem.compliance.evidence import service as evidence
from tandem.compliance.frameworks import mappings
from tandem.compliance.frameworks import service as frameworks
from tandem.compliance.models import Evidence
from tandem.compliance.schemas import EvidenceUpdate
from tandem.compliance.web_common import BLANK, errors_of, framework_choices
from tandem.platform.api.deps import DbSession, requires
from tandem.platform.auth.principal import Principal
from tandem.platform.config import get_settings
from tandem.platform.errors import InvalidInput, TandemError
from tandem.platform.safety.errors import UnsafeInput
from tandem.platform.safety.uploads import read_limited
from tandem.platform.web.forms import WebForm, discard, field_of, text
from tandem.platform.web.render import redirect, render

router = APIRouter(include_in_schema=False)
IMPORT, EDIT = "compliance.import", "compliance.edit"
FORMATS = [
    ("catalog", "OSCAL catalog (JSON)"),
    ("profile", "OSCAL profile (JSON), resolved against the library's catalog"),
    ("simple", "Simple framework file (CSV or YAML)"),
    ("mappings", "Mappings between two frameworks (OSCAL mapping-collection JSON or NIST OLIR .xlsx)"),
]
IMPORT_FIELDS = ("format", "key", "version", "name", "source", "target")
MAX_SHOWN = 20  # located file errors listed on the page; the rest are counted


def _import_page(
    request: Request, session: Session, principal: Principal, values: dict[str, str], errors: dict[str, str],
    status: int = 200,
) -> HTMLResponse:  # fmt: skip
    return render(request, "compliance/import.html", status, values=values, errors=errors, formats=FORMATS,
                  frameworks=BLANK + framework_choices(session, principal))  # fmt: skip


@router.get("/compliance/frameworks/import")
def import_page(request: Request, session: DbSession, principal: Principal = requires(IMPORT)) -> HTMLResponse:
    """Show the form that imports a framework or a mapping file."""
    return _import_page(request, session, principal, {"format": "catalog"}, {})


def _uuid(value: str, field: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise InvalidInput.one(field, "choose a framework") from None


def _run_import(session: Session, principal: Principal, form: FormData, values: dict[str, str]) -> str:
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise InvalidInput.one("file", "choose a file")
    data = read_limited(upload.file, get_settings().max_upload_bytes, upload.filename)
    name, key = upload.filename, values["key"] or None
    kind = values["format"]
    if kind == "mappings":
        source, target = _uuid(values["source"], "source"), _uuid(values["target"], "target")
        count = mappings.import_file(session, principal, data, name, source, target)
        return f"Imported {count} mappings from {name}."
    if kind == "catalog":
        fw = frameworks.import_catalog(session, principal, data, name, key)
    elif kind == "profile":
        fw = frameworks.import_profile(session, principal, data, name, key)
    elif kind == "simple":
        if not key:
            raise InvalidInput.one("key", "a simple file needs a framework key")
        fw = frameworks.import_simple(session, principal, data, name, key, values["version"], values["name"])
    else:
        raise InvalidInput.one("format", "choose one of the listed formats")
    return f"Imported {fw.name} {fw.version} as {fw.key}: {fw.requirement_count} assessable requirements."


def _import_errors(exc: Exception) -> dict[str, str]:
    """Errors beside the form's fields; errors located in the file (file:line:field) all go under the file input."""
    if not isinstance(exc, InvalidInput):
        return errors_of(exc)
    out: dict[str, str] = {}
    in_file = []
    for err in exc.errors:
        field = field_of(err.location)
        if field in (*IMPORT_FIELDS, "file"):
            out[field] = err.reason
        else:
            in_file.append(f"{err.location}: {err.reason}")
    if in_file:
        more = f" (and {len(in_file) - MAX_SHOWN} more)" if len(in_file) > MAX_SHOWN else ""
        out["file"] = "; ".join(in_file[:MAX_SHOWN]) + more
    return out


@router.post("/compliance/frameworks/import")
def import_submit(
    request: Request, form: WebForm, session: DbSession, principal: Principal = requires(IMPORT)
) -> Response:
    """Import the uploaded file in one transaction; any error rejects the whole file and is shown beside its field."""
    values = {name: text(form, name, 400).strip() for name in IMPORT_FIELDS}
    try:
        message = _run_import(session, principal, form, values)
    except (TandemError, UnsafeInput) as exc:
        discard(session)
        return _import_page(request, session, principal, values, _import_errors(exc), 422)
    return redirect("/compliance/frameworks", message)


def _back(session: Session, item: Evidence) -> str:
    assessment_id = evidence.assessment_of(session, item)
    if assessment_id is not None:
        return f"/compliance/assessments/{assessment_id}/results/{item.result_id}/evidence"
    return f"/compliance/controls/{item.control_id}"


def _edit_page(
    request: Request, session: Session, item: Evidence, values: dict[str, Any], errors: dict[str, str],
    status: int = 200,
) -> HTMLResponse:  # fmt: skip
    return render(request, "compliance/evidence_form.html", status, item=item, values=values, errors=errors,
                  back=_back(session, item))  # fmt: skip


@router.get("/compliance/evidence/{evidence_id}/edit")
def edit_evidence_page(
    evidence_id: uuid.UUID, request: Request, session: DbSession, principal: Principal = requires(EDIT)
) -> HTMLResponse:
    """Show the form that changes an evidence's title, note and validity."""
    item = evidence.get_evidence(session, principal, evidence_id)
    values = {"title": item.title, "note": item.note, "valid_from": item.valid_from or "",
              "valid_until": item.valid_until or ""}  # fmt: skip
    return _edit_page(request, session, item, values, {})


@router.post("/compliance/evidence/{evidence_id}/edit")
def edit_evidence(
    evidence_id: uuid.UUID, request: Request, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Save the evidence's new title, note and validity period."""
    item = evidence.get_evidence(session, principal, evidence_id)
    values = {name: text(form, name, 20_000).strip() for name in ("title", "note", "valid_from", "valid_until")}
    data = {"title": values["title"] or None, "note": values["note"],
            "valid_from": values["valid_from"] or None, "valid_until": values["valid_until"] or None}  # fmt: skip
    try:
        evidence.update_evidence(session, principal, evidence_id, validate(EvidenceUpdate, data))
    except TandemError as exc:
        discard(session)
        return _edit_page(request, session, evidence.get_evidence(session, principal, evidence_id), values,
                          errors_of(exc), 422)  # fmt: skip
    return redirect(_back(session, item), "Evidence saved.")


@router.post("/compliance/evidence/{evidence_id}/delete")
def delete_evidence(evidence_id: uuid.UUID, session: DbSession, principal: Principal = requires(EDIT)) -> Response:
    """Delete an evidence record (its deletion is in the audit log)."""
    item = evidence.get_evidence(session, principal, evidence_id)
    back = _back(session, item)
    evidence.delete_evidence(session, principal, evidence_id)
    return redirect(back, "Evidence deleted.")

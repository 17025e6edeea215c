"""Evidence: files (sniffed, size-limited, content-addressed), http(s) links and notes, each valid for a period."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy.orm import Session

from tandem.compliance import actions
from tandem.compliance.assessments import repository as results_repo
from tandem.compliance.automation import repository as auto_repo
from tandem.compliance.common import check, get_visible, require_in_unit
from tandem.compliance.evidence import storage
from tandem.compliance.models import Assessment, Control, Evidence, Result
from tandem.compliance.records import OrgRepository
from tandem.compliance.schemas import EvidenceCreate, EvidenceUpdate
from tandem.platform.auth.permissions import require
from tandem.platform.auth.principal import Principal
from tandem.platform.config import get_settings
from tandem.platform.db.paging import ListSpec, Page, PageRequest
from tandem.platform.errors import Conflict, InvalidInput, NotFound
from tandem.platform.safety.errors import UnsafeInput
from tandem.platform.safety.uploads import safe_filename, sniff_type

ALLOWED = {"pdf", "png", "jpg", "txt", "csv", "json", "xml", "docx", "xlsx"}
MEDIA = {
    "pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg", "txt": "text/plain", "csv": "text/csv",
    "json": "application/json", "xml": "application/xml",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}  # fmt: skip
SPEC = ListSpec(
    ("created_at", "title", "valid_until"),
    "-created_at",
    ("org_unit_id", "kind", "control_id", "result_id"),
    ("title",),
)


def _check_targets(session: Session, principal: Principal | None, control_id: Any, result_id: Any) -> None:
    if control_id is not None:
        try:
            get_visible(session, principal, Control, control_id, "control")
        except NotFound:
            raise InvalidInput.one("body.control_id", "no such control") from None
    if result_id is not None:
        result = results_repo.result_by_id(session, result_id)
        visible = result is not None and OrgRepository(session, Assessment).get(principal, result.assessment_id)
        if not visible:
            raise InvalidInput.one("body.result_id", "no such assessment result")


def _check_period(valid_from: dt.date | None, valid_until: dt.date | None) -> None:
    if valid_from and valid_until and valid_until < valid_from:
        raise InvalidInput.one("body.valid_until", "must not be before valid_from")


def add_evidence(session: Session, principal: Principal | None, data: EvidenceCreate) -> Evidence:
    """Add a link or a note."""
    require_in_unit(session, principal, data.org_unit_id, actions.EDIT.name)
    if data.kind == "link" and not data.url:
        raise InvalidInput.one("body.url", "a link needs an http(s) URL")
    _check_period(data.valid_from, data.valid_until)
    _check_targets(session, principal, data.control_id, data.result_id)
    return OrgRepository(session, Evidence).add(Evidence(**data.model_dump()))


def upload_evidence(
    session: Session, principal: Principal | None, data: bytes, filename: str, fields: dict[str, Any]
) -> Evidence:
    """Store an uploaded file (size limit, type sniffed against the allowed list) and record it."""
    unit_id = fields["org_unit_id"]
    require_in_unit(session, principal, unit_id, actions.EDIT.name)
    if len(data) > get_settings().max_upload_bytes:
        raise InvalidInput.one("file", f"file exceeds the {get_settings().max_upload_bytes}-byte limit")
    try:
        kind = sniff_type(data, filename, ALLOWED)
    except UnsafeInput as exc:
        raise InvalidInput.one("file", exc.reason) from None
    _check_period(fields.get("valid_from"), fields.get("valid_until"))
    _check_targets(session, principal, fields.get("control_id"), fields.get("result_id"))
    digest = storage.store(data)
    name = safe_filename(filename)
    return OrgRepository(session, Evidence).add(
        Evidence(kind="file", title=(fields.get("title") or name)[:300], sha256=digest, file_name=name,
                 media_type=MEDIA[kind], size=len(data), org_unit_id=unit_id, valid_from=fields.get("valid_from"),
                 valid_until=fields.get("valid_until"), control_id=fields.get("control_id"),
                 result_id=fields.get("result_id"), note=fields.get("note", ""))
    )  # fmt: skip


def get_evidence(session: Session, principal: Principal | None, evidence_id: uuid.UUID) -> Evidence:
    """Return evidence principal may see."""
    return get_visible(session, principal, Evidence, evidence_id, "evidence")


def file_of(session: Session, principal: Principal, evidence_id: uuid.UUID) -> tuple[Evidence, bytes]:
    """Return a file evidence (or an automated test's snapshot) and its bytes."""
    evidence = get_evidence(session, principal, evidence_id)
    if evidence.kind == "automated":
        result = auto_repo.result_by_evidence(session, evidence.id)
        if result is None:
            raise NotFound("the test result behind this evidence was deleted")
        return evidence, result.snapshot.encode()
    if evidence.kind != "file":
        raise NotFound("this evidence is not a file")
    return evidence, storage.read(evidence.sha256)


def update_evidence(
    session: Session, principal: Principal | None, evidence_id: uuid.UUID, data: EvidenceUpdate
) -> Evidence:
    """Change an evidence's title, note or validity."""
    evidence = get_evidence(session, principal, evidence_id)
    check(session, principal, actions.EDIT.name, evidence)
    _not_automated(evidence)
    patch = data.model_dump(exclude_unset=True)
    _check_period(patch.get("valid_from", evidence.valid_from), patch.get("valid_until", evidence.valid_until))
    for key, value in patch.items():
        if value is not None or key.startswith("valid_"):
            setattr(evidence, key, value)
    session.flush()
    return evidence


def delete_evidence(session: Session, principal: Principal | None, evidence_id: uuid.UUID) -> None:
    """Delete an evidence record (the stored file stays: other records may share its content)."""
    evidence = get_evidence(session, principal, evidence_id)
    check(session, principal, actions.EDIT.name, evidence)
    _not_automated(evidence)
    OrgRepository(session, Evidence).delete(evidence)


def _not_automated(evidence: Evidence) -> None:
    if evidence.kind == "automated":
        raise Conflict(
            "automated evidence is written by its control test and stays as recorded; delete the test instead"
        )


def assessment_of(session: Session, evidence: Evidence) -> uuid.UUID | None:
    """Return the assessment whose result the evidence proves (None for a control's evidence)."""
    if evidence.result_id is None:
        return None
    result = session.get(Result, evidence.result_id)
    return result.assessment_id if result is not None else None


def list_evidence(session: Session, principal: Principal, req: PageRequest) -> Page[Any]:
    """List the evidence principal may see."""
    require(session, principal, actions.VIEW.name)
    return OrgRepository(session, Evidence).list_page(principal, req)


def is_expired(evidence: Evidence, today: dt.date | None = None) -> bool:
    """Tell whether the evidence's validity period has ended."""
    return evidence.valid_until is not None and evidence.valid_until < (today or dt.date.today())

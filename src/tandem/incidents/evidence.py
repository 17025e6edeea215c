"""Incident evidence files (logs, screenshots, the ransom note, the vendor's report): size-limited, type sniffed
from the bytes against an allow-list, harmless names, stored by SHA-256 under <data_dir>/incident-evidence/,
served as inert attachments. Uploads are on the timeline; every download is written to the audit chain (custody)."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from tandem.incidents import actions
from tandem.incidents import repository as repo
from tandem.incidents.common import actor_of, check
from tandem.incidents.models import EvidenceFile
from tandem.incidents.service import get_incident, record
from tandem.platform.audit.writer import record_event
from tandem.platform.auth.principal import Principal
from tandem.platform.config import get_settings
from tandem.platform.errors import NotFound
from tandem.platform.safety.uploads import inert_download_headers
from tandem.platform.storage import MEDIA_TYPES, FileStore, checked_upload

STORE = FileStore("incident-evidence")
ALLOWED = {"pdf", "png", "jpg", "txt", "csv", "json", "docx", "xlsx"}


def limit() -> int:
    """Return the largest evidence file accepted (TANDEM_MAX_UPLOAD_BYTES)."""
    return get_settings().max_upload_bytes


def checked_file(data: bytes, filename: str, where: str = "file") -> tuple[str, str]:
    """Return (kind, safe name) of an upload, or raise a located error for a too-large or wrongly typed file."""
    return checked_upload(data, filename, ALLOWED, limit(), where)


def upload(
    session: Session, principal: Principal | None, incident_id: uuid.UUID, data: bytes, filename: str, title: str = ""
) -> EvidenceFile:
    """Keep a file as evidence of an incident and write it to the timeline."""
    incident = get_incident(session, principal, incident_id)
    check(session, principal, actions.EDIT.name, incident)
    kind, name = checked_file(data, filename)
    row = EvidenceFile(incident_id=incident.id, title=(title.strip() or name)[:300], file_name=name,
                       media_type=MEDIA_TYPES[kind], size=len(data), sha256=STORE.store(data),
                       uploaded_by=actor_of(principal)[:200])  # fmt: skip
    session.add(row)
    record(session, incident, "evidence", f"Evidence added: {row.title} ({name}, {len(data):,} bytes, "
           f"SHA-256 {row.sha256[:12]}…)", principal, {"evidence_id": str(row.id), "sha256": row.sha256})  # fmt: skip
    return row


def files(session: Session, principal: Principal | None, incident_id: uuid.UUID) -> list[EvidenceFile]:
    """Return the incident's evidence files, oldest first."""
    return repo.children(session, EvidenceFile, get_incident(session, principal, incident_id).id)


def download(
    session: Session, principal: Principal | None, incident_id: uuid.UUID, file_id: uuid.UUID
) -> tuple[EvidenceFile, bytes]:
    """Return an evidence file and its bytes, and write who fetched it to the audit chain."""
    incident = get_incident(session, principal, incident_id)
    row = repo.child(session, EvidenceFile, incident.id, file_id)
    if row is None:
        raise NotFound("evidence file not found")
    data = STORE.read(row.sha256)
    record_event(session, "download", "incidents_evidence_files", str(row.id),
                 {"incident_id": str(incident.id), "by": actor_of(principal), "sha256": row.sha256})  # fmt: skip
    return row, data


def download_headers(row: EvidenceFile) -> dict[str, str]:
    """Return the headers that make a download inert: an attachment the browser may not sniff or run."""
    return inert_download_headers(row.file_name)

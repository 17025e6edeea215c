"""Course documents: the file a document course asks people to read, stored safely (size limit, type sniffed from
the bytes against an allow-list, harmless names, served as attachments), and the confirmation that a person read it."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from tandem.platform.audit.writer import record_event
from tandem.platform.auth.principal import Principal
from tandem.platform.config import get_settings
from tandem.platform.db.types import utcnow
from tandem.platform.errors import InvalidInput, NotFound
from tandem.platform.safety.uploads import inert_download_headers
from tandem.platform.storage import MEDIA_TYPES, FileStore, checked_upload
from tandem.training import actions, completions, courses
from tandem.training.common import check
from tandem.training.models import Completion, Course

STORE = FileStore("training-documents")
ALLOWED = {"pdf", "txt", "png", "jpg", "docx", "pptx", "odt", "odp"}
CONFIRMED_SOURCE = "tandem document: read and understood"


def limit() -> int:
    """Return the largest document accepted, in bytes (the platform's upload limit)."""
    return get_settings().max_upload_bytes


def checked_file(data: bytes, filename: str, where: str = "file") -> tuple[str, str]:
    """Return (kind, safe name) of an upload, or raise a located error for a too-large or wrongly typed file."""
    return checked_upload(data, filename, ALLOWED, limit(), where)


def attach_document(
    session: Session, principal: Principal | None, course_id: uuid.UUID, data: bytes, filename: str
) -> Course:
    """Store an uploaded file as the document of a document course (replacing the previous one)."""
    course = courses.get_course(session, principal, course_id)
    check(session, principal, actions.EDIT.name, course)
    if course.format != "document":
        raise InvalidInput.one("format", f"only document courses carry a document (this one is a {course.format})")
    kind, name = checked_file(data, filename)
    course.document_sha256 = STORE.store(data)
    course.document_name, course.document_media_type, course.document_size = name, MEDIA_TYPES[kind], len(data)
    session.flush()
    return course


def file_of(session: Session, principal: Principal | None, course_id: uuid.UUID) -> tuple[Course, bytes]:
    """Return a course principal may see and the bytes of its document."""
    return read_document(courses.get_course(session, principal, course_id))


def read_document(course: Course) -> tuple[Course, bytes]:
    """Return the course and its document's bytes (NotFound when none was uploaded)."""
    if not course.document_sha256:
        raise NotFound("this course has no uploaded document")
    try:
        return course, STORE.read(course.document_sha256)
    except FileNotFoundError:
        raise NotFound("the course document is missing from the file store") from None


def download_headers(course: Course) -> dict[str, str]:
    """Return the headers that make a download inert: an attachment the browser may not sniff or run."""
    return inert_download_headers(course.document_name or "document")


def confirm_read(session: Session, person: object, course: Course) -> Completion:
    """Record that a person read and understood the course document (callers have checked their link)."""
    if not course.document_sha256:
        raise InvalidInput.one("course", "this course has no document to confirm yet")
    done = completions.add_completion(session, person, course, utcnow(), None, True, CONFIRMED_SOURCE)
    record_event(session, "training.document_confirmed", "training_completions", str(done.id),
                 {"course": course.title, "version": course.version, "document": course.document_name,
                  "sha256": course.document_sha256, "person_id": str(done.person_id)})  # fmt: skip
    return done

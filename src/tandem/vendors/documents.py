"""Vendor documents: contracts, certificates, deletion certificates and questionnaire evidence, stored safely
(size limit, type sniffed from the bytes against an allow-list, harmless names, served as attachments)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from tandem.platform.auth.principal import Principal
from tandem.platform.errors import InvalidInput, NotFound
from tandem.platform.safety.uploads import inert_download_headers
from tandem.platform.storage import MEDIA_TYPES, checked_upload
from tandem.vendors import actions, storage
from tandem.vendors import repository as repo
from tandem.vendors.common import check, get_vendor
from tandem.vendors.models import Contract, Document
from tandem.vendors.repository import VendorsRepository
from tandem.vendors.settings import get_vendors_settings
from tandem.vendors.vocab import DOCUMENT_KINDS

ALLOWED = {"pdf", "png", "jpg", "txt", "csv", "docx", "xlsx"}


def checked_file(data: bytes, filename: str, where: str = "file") -> tuple[str, str]:
    """Return (kind, safe name) of an upload, or raise a located error for a too-large or wrongly typed file."""
    return checked_upload(data, filename, ALLOWED, get_vendors_settings().max_document_bytes, where)


def make_document(data: bytes, filename: str, **fields: Any) -> Document:
    """Store the bytes and return an unsaved Document row for them."""
    kind, name = checked_file(data, filename)
    title = (fields.pop("title", "") or name)[:300]
    return Document(title=title, file_name=name, media_type=MEDIA_TYPES[kind], size=len(data),
                    sha256=storage.store(data), **fields)  # fmt: skip


def upload_document(
    session: Session, principal: Principal | None, vendor_id: uuid.UUID, data: bytes, filename: str,
    kind: str = "other", title: str = "", contract_id: uuid.UUID | None = None,
) -> Document:  # fmt: skip
    """Attach an uploaded file to a vendor (and optionally one of its contracts)."""
    vendor = get_vendor(session, principal, vendor_id)
    check(session, principal, actions.EDIT.name, vendor)
    if kind not in DOCUMENT_KINDS:
        raise InvalidInput.one("kind", f"must be one of {', '.join(DOCUMENT_KINDS)}")
    if contract_id is not None:
        contract = VendorsRepository(session, Contract).get(principal, contract_id)
        if contract is None or contract.vendor_id != vendor.id:
            raise InvalidInput.one("contract_id", "no contract of this vendor with this id")
    doc = make_document(data, filename, title=title, kind=kind, vendor_id=vendor.id, contract_id=contract_id,
                        org_unit_id=vendor.org_unit_id)  # fmt: skip
    return VendorsRepository(session, Document).add(doc)


def get_document(session: Session, principal: Principal | None, document_id: uuid.UUID) -> Document:
    """Return a document principal may see."""
    doc = VendorsRepository(session, Document).get(principal, document_id)
    if doc is None:
        raise NotFound("document not found")
    return doc


def file_of(session: Session, principal: Principal | None, document_id: uuid.UUID) -> tuple[Document, bytes]:
    """Return a document and its bytes."""
    doc = get_document(session, principal, document_id)
    return doc, storage.read(doc.sha256)


def delete_document(session: Session, principal: Principal | None, document_id: uuid.UUID) -> None:
    """Delete a document record (the stored bytes stay: other records may share the content)."""
    doc = get_document(session, principal, document_id)
    check(session, principal, actions.EDIT.name, doc)
    VendorsRepository(session, Document).delete(doc)


def vendor_documents(session: Session, vendor_id: uuid.UUID) -> list[Document]:
    """Return a vendor's documents, newest first."""
    return repo.documents_of(session, vendor_id)


def download_headers(doc: Document) -> dict[str, str]:
    """Return the headers that make a download inert: an attachment the browser may not sniff or run."""
    return inert_download_headers(doc.file_name)

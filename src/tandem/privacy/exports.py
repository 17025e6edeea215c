"""The RoPA as CSV (formula-escaped), XLSX and PDF: one row per processing activity, Art. 30 columns."""

from __future__ import annotations

import io
from typing import Any

from sqlalchemy.orm import Session

from tandem.platform.auth.principal import Principal
from tandem.platform.documents.pdf import Heading, KeyValues, Paragraph, build_pdf
from tandem.platform.safety.csvsafe import escape_cell, write_csv
from tandem.privacy import service
from tandem.privacy.vocab import LEGAL_BASES, SPECIAL_BASES

HEADER = [
    "Name",
    "Role",
    "Status",
    "Controller / processor (30(1)(a))",
    "DPO",
    "Purposes (b)",
    "Legal basis",
    "Special-category basis",
    "Data subjects (c)",
    "Data categories (c)",
    "Data stores",
    "Recipients (d)",
    "Vendors",
    "Transfers (e)",
    "Retention (f)",
    "Security measures (g)",
    "Linked controls",
    "DPIA pre-screen",
]


def rows(session: Session, principal: Principal) -> list[list[str]]:
    """Return the RoPA as rows of text (labels resolved, only what principal may see)."""
    out = []
    for a in service.visible_activities(session, principal):
        stores = ", ".join(s.name for s in service.stores_of(session, principal, a))
        transfers = "; ".join(
            f"{t.get('country')} ({t.get('mechanism')}) {t.get('recipient', '')}".strip() for t in a.transfers
        )
        out.append(
            [
                a.name,
                a.role,
                a.status,
                a.controller,
                a.dpo,
                "; ".join(a.purposes),
                LEGAL_BASES.get(a.legal_basis, ""),
                SPECIAL_BASES.get(a.special_basis, ""),
                ", ".join(a.data_subjects),
                ", ".join(a.data_categories),
                stores,
                ", ".join(a.recipients),
                str(len(a.vendor_ids)),
                transfers,
                a.retention,
                a.security_measures,
                str(len(a.control_ids)),
                service.prescreen(session, principal, a)["summary"],
            ]
        )
    return out


def to_csv(session: Session, principal: Principal) -> bytes:
    """Return the RoPA as CSV."""
    return write_csv(rows(session, principal), HEADER).encode("utf-8")


def to_xlsx(session: Session, principal: Principal) -> bytes:
    """Return the RoPA as an XLSX workbook (cells escaped like the CSV: no formulas)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet: Any = book.active
    sheet.title = "RoPA"
    sheet.append(HEADER)
    for row in rows(session, principal):
        sheet.append([escape_cell(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_pdf(session: Session, principal: Principal) -> bytes:
    """Return the RoPA as a PDF, one section per activity."""
    blocks: list[Any] = [Paragraph("Records of processing activities under GDPR Art. 30.")]
    for row in rows(session, principal):
        blocks.append(Heading(row[0]))
        blocks.append(KeyValues([(h, v or "–") for h, v in zip(HEADER[1:], row[1:], strict=True)]))
    return build_pdf("Records of processing activities", blocks, subtitle="GDPR Art. 30")


FORMATS = {
    "csv": ("text/csv", to_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", to_xlsx),
    "pdf": ("application/pdf", to_pdf),
}

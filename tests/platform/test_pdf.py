"""PDF reports: every block renders, text reads back, and odd characters or long tables do not break export."""

from __future__ import annotations

import io

from pypdf import PdfReader

from tandem.platform.documents.pdf import BarChart, Heading, KeyValues, Paragraph, Table, build_pdf


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_blocks_render_and_read_back() -> None:
    data = build_pdf(
        "Access review - Q4",
        [
            Heading("Summary"),
            Paragraph("Decisions recorded for every item in scope."),
            KeyValues([("Campaign", "PHI access Q4"), ("Items", "42")]),
            Table(["Reviewer", "Decided", "Pending"], [["cio", "40", "2"], ["=cmd|' /C calc'!A0", "1", "0"]]),
            BarChart("Items per decision", [("keep", 30), ("revoke", 10), ("reduce", 2)]),
        ],
        subtitle="Northwind Health",
    )
    assert data.startswith(b"%PDF-")
    text = _text(data)
    for expected in ("Access review - Q4", "Summary", "PHI access Q4", "Reviewer", "revoke", "Northwind Health"):
        assert expected in text


def test_non_latin_text_and_long_tables_do_not_fail() -> None:
    rows = [[f"person {n}", "Zoë → “quoted” 漢字", str(n)] for n in range(300)]
    data = build_pdf("Evidence", [Table(["who", "what", "n"], rows)], landscape=True)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) > 3
    assert "person 299" in _text(data)

"""Office documents: XLSX sheets as tables, DOCX paragraphs and tables, PDF pages."""

from __future__ import annotations

import io
from collections.abc import Iterator

from tandem.platform.safety import inspect_zip

from .segment import Segment, clean_cell


def xlsx_segments(data: bytes, path: str) -> Iterator[Segment]:
    """Yield each sheet as a tab-separated table whose first row is the header."""
    import openpyxl

    inspect_zip(data, path)  # refuse bombs before openpyxl inflates anything
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        for sheet in book.worksheets:
            rows = ["\t".join(clean_cell(v) for v in row) for row in sheet.iter_rows(values_only=True)]
            if rows:
                yield Segment("\n".join(rows) + "\n", path, delimited=True, sheet=sheet.title)
    finally:
        book.close()


def docx_segments(data: bytes, path: str) -> Iterator[Segment]:
    """Yield the paragraphs as prose and each table as a tab-separated table."""
    import docx

    inspect_zip(data, path)
    document = docx.Document(io.BytesIO(data))
    paragraphs = "\n".join(p.text for p in document.paragraphs)
    if paragraphs.strip():
        yield Segment(paragraphs + "\n", path)
    for index, table in enumerate(document.tables, start=1):
        rows = ["\t".join(clean_cell(cell.text) for cell in row.cells) for row in table.rows]
        yield Segment("\n".join(rows) + "\n", path, delimited=True, sheet=f"table {index}")


def pdf_segments(data: bytes, path: str) -> Iterator[Segment]:
    """Yield the extracted text of each page."""
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(data))
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text() or ""
        if text.strip():
            yield Segment(text, path, page=number)

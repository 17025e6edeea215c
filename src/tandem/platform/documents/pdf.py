"""Build simple, self-contained PDF reports (headings, text, tables, bar charts) with fpdf2, no browser needed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from fpdf import FPDF
from fpdf.enums import XPos, YPos

# The core PDF fonts cover Latin-1 only; other characters are replaced rather than failing a whole export.
_ENCODING = "latin-1"
BAR_COLOUR = (46, 94, 170)


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class KeyValues:
    pairs: list[tuple[str, str]]


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class BarChart:
    title: str
    items: list[tuple[str, float]]


Block = Heading | Paragraph | KeyValues | Table | BarChart


def _latin(text: object) -> str:
    return str(text).encode(_ENCODING, "replace").decode(_ENCODING)


class _Document(FPDF):
    def __init__(self, title: str, landscape: bool) -> None:
        super().__init__(orientation="L" if landscape else "P", unit="mm", format="A4")
        self.report_title = _latin(title)
        self.set_auto_page_break(auto=True, margin=15)
        self.set_title(self.report_title)
        self.set_creator("Tandem")

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.set_text_color(110)
        self.cell(0, 6, f"{self.report_title} - page {self.page_no()}", align="C")
        self.set_text_color(0)


def _heading(pdf: _Document, block: Heading) -> None:
    pdf.ln(2)
    pdf.set_font("Helvetica", "B", 12)
    pdf.multi_cell(0, 7, _latin(block.text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", size=10)


def _paragraph(pdf: _Document, block: Paragraph) -> None:
    pdf.set_font("Helvetica", size=10)
    pdf.multi_cell(0, 5, _latin(block.text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)


def _key_values(pdf: _Document, block: KeyValues) -> None:
    rows = [[key, value] for key, value in block.pairs]
    _table(pdf, Table(["", ""], rows), header=False, widths=(1, 2))


def _table(pdf: _Document, block: Table, header: bool = True, widths: Sequence[float] | None = None) -> None:
    if not block.headers:
        return
    pdf.set_font("Helvetica", size=8)
    with pdf.table(
        col_widths=tuple(widths) if widths else None,
        first_row_as_headings=header,
        line_height=4.5,
        text_align="LEFT",
    ) as table:
        if header:
            table.row([_latin(h) for h in block.headers])
        for values in block.rows:
            table.row([_latin(v) for v in values])
    pdf.ln(2)
    pdf.set_font("Helvetica", size=10)


def _bar_chart(pdf: _Document, block: BarChart) -> None:
    pdf.set_font("Helvetica", "B", 10)
    pdf.multi_cell(0, 6, _latin(block.title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", size=8)
    top = max((abs(value) for _, value in block.items), default=0.0) or 1.0
    label_w, bar_w = 55.0, pdf.epw - 55.0 - 25.0
    for label, value in block.items:
        if pdf.will_page_break(6):
            pdf.add_page()
        x, y = pdf.get_x(), pdf.get_y()
        pdf.cell(label_w, 5, _latin(label)[:40])
        pdf.set_fill_color(*BAR_COLOUR)
        width = max(bar_w * abs(value) / top, 0.3)
        pdf.rect(x + label_w, y + 1, width, 3.2, style="F")
        pdf.set_xy(x + label_w + width + 2, y)
        pdf.cell(23, 5, f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}")
        pdf.set_xy(x, y + 5.5)
    pdf.ln(2)
    pdf.set_font("Helvetica", size=10)


_RENDERERS = {Heading: _heading, Paragraph: _paragraph, KeyValues: _key_values, Table: _table, BarChart: _bar_chart}


def build_pdf(title: str, blocks: Sequence[Block], *, subtitle: str = "", landscape: bool = False) -> bytes:
    """Return a PDF with a title, an optional subtitle, the blocks in order and page footers."""
    pdf = _Document(title, landscape)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 9, _latin(title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", size=9)
    pdf.set_text_color(90)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    pdf.multi_cell(0, 5, _latin(f"{subtitle + ' - ' if subtitle else ''}generated {stamp}"),
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)  # fmt: skip
    pdf.set_text_color(0)
    pdf.ln(3)
    for block in blocks:
        _RENDERERS[type(block)](pdf, block)  # type: ignore[operator]
    return bytes(pdf.output())

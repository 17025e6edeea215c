"""Build simple, self-contained PDF reports (headings, text, tables, bar, line and roadmap charts) with fpdf2, no
browser or network needed. fpdf2 is imported when a document is built, not when this module is imported."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

# The core PDF fonts cover Latin-1 only; other characters are replaced rather than failing a whole export.
_ENCODING = "latin-1"
BAR_COLOUR = (46, 94, 170)
SERIES_COLOURS = [(46, 94, 170), (198, 40, 40), (46, 125, 50), (249, 168, 37), (106, 27, 154)]
STACK_COLOURS = [(46, 125, 50), (249, 168, 37), (198, 40, 40), (120, 120, 120)]


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


@dataclass(frozen=True)
class Series:
    """One line of a line chart: (x, y) points in x order; dashed lines mark limits such as a tolerance."""

    name: str
    points: list[tuple[float, float]]
    dashed: bool = False


@dataclass(frozen=True)
class LineChart:
    """Lines over shared axes; log_x for loss exceedance curves, y_percent for probabilities."""

    title: str
    series: list[Series]
    x_label: str = ""
    y_label: str = ""
    log_x: bool = False
    y_percent: bool = False
    x_ticks: list[tuple[float, str]] = field(default_factory=list)  # labelled x positions (e.g. dates)


@dataclass(frozen=True)
class StackedBars:
    """Horizontal bars split into parts (e.g. covered / partial / gap per framework)."""

    title: str
    parts: list[str]
    items: list[tuple[str, list[float]]]


@dataclass(frozen=True)
class Roadmap:
    """A Gantt-like chart: rows spanning period indexes [start, end] of the labelled periods."""

    title: str
    periods: list[str]
    rows: list[tuple[str, int, int]]


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Heading | Paragraph | KeyValues | Table | BarChart | LineChart | StackedBars | Roadmap | PageBreak


# Typographic characters outside Latin-1 that have a faithful plain spelling.
_PLAIN = str.maketrans(
    {
        "\u2013": "-",
        "\u2014": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2026": "...",
        "\u2192": "->",
        "\u2190": "<-",
        "\u2265": ">=",
        "\u2264": "<=",
        "\u2212": "-",
        "\u03bb": "lambda",
        "\u0394": "delta",
        "\u2022": "-",
        "\u00a0": " ",
    }
)


def _latin(text: object) -> str:
    return str(text).translate(_PLAIN).encode(_ENCODING, "replace").decode(_ENCODING)


@cache
def _document_class() -> type[Any]:
    from fpdf import FPDF

    class Document(FPDF):
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

    return Document


def _next_line() -> dict[str, Any]:
    from fpdf.enums import XPos, YPos

    return {"new_x": XPos.LMARGIN, "new_y": YPos.NEXT}


def _heading(pdf: Any, block: Heading) -> None:
    pdf.ln(2)
    pdf.set_font("Helvetica", "B", 12)
    pdf.multi_cell(0, 7, _latin(block.text), **_next_line())
    pdf.set_font("Helvetica", size=10)


def _paragraph(pdf: Any, block: Paragraph) -> None:
    # Plain text only (no markdown, no markup): user-entered commentary cannot change the document.
    pdf.set_font("Helvetica", size=10)
    pdf.multi_cell(0, 5, _latin(block.text), **_next_line())
    pdf.ln(1)


def _key_values(pdf: Any, block: KeyValues) -> None:
    rows = [[key, value] for key, value in block.pairs]
    _table(pdf, Table(["", ""], rows), header=False, widths=(1, 2))


def _table(pdf: Any, block: Table, header: bool = True, widths: Sequence[float] | None = None) -> None:
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


def _number(value: float) -> str:
    return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}"


def _chart_title(pdf: Any, title: str, height: float) -> None:
    if pdf.will_page_break(height + 8):
        pdf.add_page()
    pdf.set_font("Helvetica", "B", 10)
    pdf.multi_cell(0, 6, _latin(title), **_next_line())
    pdf.set_font("Helvetica", size=8)


def _bar_chart(pdf: Any, block: BarChart) -> None:
    pdf.set_font("Helvetica", "B", 10)
    pdf.multi_cell(0, 6, _latin(block.title), **_next_line())
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
        pdf.cell(23, 5, _number(value))
        pdf.set_xy(x, y + 5.5)
    pdf.ln(2)
    pdf.set_font("Helvetica", size=10)


def _short(value: float, percent: bool) -> str:
    if percent:
        return f"{value:.0%}"
    for size, suffix in ((1e9, "bn"), (1e6, "m"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:.3g}{suffix}"
    return f"{value:.3g}"


def _axis_ticks(lo: float, hi: float, log: bool) -> list[float]:
    """Return tick values in data units between the transformed bounds lo and hi."""
    if log:
        return [10.0**e for e in range(math.floor(lo), math.ceil(hi) + 1) if lo <= e <= hi]
    return [lo + (hi - lo) * n / 4 for n in range(5)]


def _line_chart(pdf: Any, block: LineChart) -> None:
    height = 62.0
    _chart_title(pdf, block.title, height)
    pts = [(x, y) for s in block.series for x, y in s.points if not block.log_x or x > 0]
    if not pts:
        _paragraph(pdf, Paragraph("No data to plot."))
        return
    fx: Callable[[float], float] = (lambda v: math.log10(v)) if block.log_x else (lambda v: v)
    x_lo, x_hi = min(fx(x) for x, _ in pts), max(fx(x) for x, _ in pts)
    y_lo, y_hi = min(0.0, min(y for _, y in pts)), max(y for _, y in pts)
    if x_hi <= x_lo:  # a single x: centre it
        x_lo, x_hi = x_lo - 0.5, x_hi + 0.5
    y_hi = y_hi if y_hi > y_lo else y_lo + 1
    left, top = pdf.l_margin + 16, pdf.get_y() + 2
    width, plot_h = pdf.epw - 20, height - 16

    def at(x: float, y: float) -> tuple[float, float]:
        return left + width * (fx(x) - x_lo) / (x_hi - x_lo), top + plot_h * (1 - (y - y_lo) / (y_hi - y_lo))

    pdf.set_draw_color(150)
    pdf.set_line_width(0.2)
    pdf.line(left, top, left, top + plot_h)
    pdf.line(left, top + plot_h, left + width, top + plot_h)
    for value in _axis_ticks(y_lo, y_hi, False):
        _, y = at(10**x_lo if block.log_x else x_lo, value)
        pdf.text(pdf.l_margin, y + 1, _short(value, block.y_percent))
    ticks = block.x_ticks or [(t, "") for t in _axis_ticks(x_lo, x_hi, block.log_x)]
    for value, label in ticks:
        x, _ = at(value, y_lo)
        pdf.text(x - 3, top + plot_h + 4, _latin(label or _short(value, False)))
    for n, s in enumerate(block.series):
        points = [at(x, y) for x, y in s.points if not block.log_x or x > 0]
        pdf.set_draw_color(*SERIES_COLOURS[n % len(SERIES_COLOURS)])
        pdf.set_line_width(0.5)
        if s.dashed:
            pdf.set_dash_pattern(dash=1.5, gap=1.0)
        if len(points) > 1:
            pdf.polyline(points)
        for x, y in points if len(points) < 20 else []:  # markers only where points are few (trends)
            pdf.rect(x - 0.6, y - 0.6, 1.2, 1.2, "D")
        pdf.set_dash_pattern()
    pdf.set_draw_color(0)
    pdf.set_line_width(0.2)
    legend = "   ".join(f"{'- - ' if s.dashed else '--- '}{s.name}" for s in block.series)
    pdf.set_xy(pdf.l_margin, top + plot_h + 6)
    pdf.multi_cell(0, 4, _latin(f"{block.x_label}{' | ' if block.x_label else ''}{legend}"), **_next_line())
    pdf.ln(2)
    pdf.set_font("Helvetica", size=10)


def _stacked(pdf: Any, block: StackedBars) -> None:
    _chart_title(pdf, block.title, 6.0 * len(block.items) + 6)
    label_w, bar_w = 55.0, pdf.epw - 55.0 - 30.0
    for label, values in block.items:
        if pdf.will_page_break(6):
            pdf.add_page()
        x, y = pdf.get_x(), pdf.get_y()
        pdf.cell(label_w, 5, _latin(label)[:40])
        total = sum(values) or 1.0
        offset = x + label_w
        for n, value in enumerate(values):
            width = bar_w * value / total
            if width > 0:
                pdf.set_fill_color(*STACK_COLOURS[n % len(STACK_COLOURS)])
                pdf.rect(offset, y + 1, width, 3.2, style="F")
            offset += width
        pdf.set_xy(x + label_w + bar_w + 2, y)
        pdf.cell(28, 5, " / ".join(_number(v) for v in values))
        pdf.set_xy(x, y + 5.5)
    pdf.multi_cell(0, 4, _latin("Parts: " + " / ".join(block.parts)), **_next_line())
    pdf.ln(2)
    pdf.set_font("Helvetica", size=10)


def _roadmap(pdf: Any, block: Roadmap) -> None:
    _chart_title(pdf, block.title, 5.0 * len(block.rows) + 10)
    if not block.periods:
        return
    label_w = 70.0
    step = (pdf.epw - label_w) / len(block.periods)
    x0, y = pdf.l_margin, pdf.get_y()
    for n, period in enumerate(block.periods):
        pdf.text(x0 + label_w + n * step + 1, y + 3, _latin(period))
    pdf.set_y(y + 5)
    for label, start, end in block.rows:
        if pdf.will_page_break(5):
            pdf.add_page()
        y = pdf.get_y()
        pdf.set_x(x0)
        pdf.cell(label_w, 4.5, _latin(label)[:48])
        lo, hi = max(start, 0), min(end, len(block.periods) - 1)
        if hi >= lo:
            pdf.set_fill_color(*BAR_COLOUR)
            pdf.rect(x0 + label_w + lo * step, y + 0.8, (hi - lo + 1) * step - 0.8, 3.0, style="F")
        pdf.set_xy(x0, y + 5)
    pdf.ln(2)
    pdf.set_font("Helvetica", size=10)


def _page_break(pdf: Any, block: PageBreak) -> None:
    pdf.add_page()


_RENDERERS: dict[type, Callable[[Any, Any], None]] = {
    Heading: _heading, Paragraph: _paragraph, KeyValues: _key_values, Table: _table, BarChart: _bar_chart,
    LineChart: _line_chart, StackedBars: _stacked, Roadmap: _roadmap, PageBreak: _page_break,
}  # fmt: skip


def build_pdf(
    title: str,
    blocks: Sequence[Block],
    *,
    subtitle: str = "",
    landscape: bool = False,
    generated_at: dt.datetime | None = None,
) -> bytes:
    """Return a PDF with a title, an optional subtitle, the blocks in order and page footers.

    With generated_at the document is reproducible: the same blocks and moment give the same bytes.
    """
    moment = generated_at or dt.datetime.now(dt.UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    pdf = _document_class()(title, landscape)
    pdf.set_creation_date(moment)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 9, _latin(title), **_next_line())
    pdf.set_font("Helvetica", size=9)
    pdf.set_text_color(90)
    stamp = moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    pdf.multi_cell(0, 5, _latin(f"{subtitle + ' - ' if subtitle else ''}generated {stamp}"), **_next_line())
    pdf.set_text_color(0)
    pdf.ln(3)
    for block in blocks:
        _RENDERERS[type(block)](pdf, block)
    return bytes(pdf.output())

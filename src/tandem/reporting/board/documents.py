"""The pack as documents: a PDF (fpdf2, charts drawn natively) and one self-contained HTML file (inline CSS and SVG,
no scripts, nothing fetched). Both are rendered from the stored snapshot and sections only, so a published pack
renders to the same bytes every time."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from tandem.platform.documents.pdf import Block, Heading, KeyValues, PageBreak, Paragraph, build_pdf
from tandem.platform.documents.pdf import Table as PdfTable
from tandem.reporting.board import content, svg
from tandem.reporting.board.models import BoardPack

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def _bullets(title: str, items: list[str]) -> list[Block]:
    return [Heading(title), *(Paragraph(f"- {item}") for item in items)]


def _section_blocks(view: content.SectionView) -> list[Block]:
    blocks: list[Block] = [Heading(view.title), *(Paragraph(line) for line in view.lead)]
    if view.facts:
        blocks.append(KeyValues(view.facts))
    if view.key == "summary":
        blocks += _bullets("What was done this quarter", view.done)
        blocks += _bullets("What we ask of the board", view.asks)
    if view.commentary:
        blocks += [Heading("Commentary"), Paragraph(view.commentary)]
    blocks.extend(view.charts)
    for table in view.tables:
        blocks += [Paragraph(table.caption), PdfTable(table.headers, table.rows)]
    return blocks


def pdf_bytes(pack: BoardPack) -> bytes:
    """Return the pack as PDF: the one-page summary, then one section after another."""
    views = content.build(pack.snapshot, pack.sections)
    blocks: list[Block] = []
    for n, view in enumerate(views):
        blocks += _section_blocks(view)
        if view.key == "summary" and n < len(views) - 1:
            blocks.append(PageBreak())
    blocks.append(Paragraph(f"Data snapshot SHA-256: {pack.snapshot_sha256}"))
    subtitle = f"{pack.quarter} - version {pack.version} - {pack.status}"
    return build_pdf(pack.title, blocks, subtitle=subtitle, generated_at=content.generated_moment(pack.snapshot))


@cache
def _env() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def context(pack: BoardPack) -> dict[str, Any]:
    """Return what the HTML document and the pack page show: the views with their charts as SVG."""
    views = content.build(pack.snapshot, pack.sections)
    return {"pack": pack, "views": views, "charts": {v.key: [svg.chart_svg(c) for c in v.charts] for v in views},
            "generated": content.generated_moment(pack.snapshot).strftime("%Y-%m-%d %H:%M UTC")}  # fmt: skip


def html_text(pack: BoardPack) -> str:
    """Return the pack as one self-contained HTML file."""
    return _env().get_template("reporting/board/document.html").render(**context(pack))

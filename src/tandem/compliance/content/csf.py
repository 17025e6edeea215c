"""NIST CSF 2.0 from the shipped OSCAL XML catalog, with withdrawn 1.1 items flagged from the CPRT workbook."""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass, field
from typing import Literal

import openpyxl

from tandem.compliance.oscal.catalog_xml import parse_catalog_xml
from tandem.compliance.oscal.model import Catalog, Control

from .files import CSF_CATALOG, CSF_WORKBOOK, read_data

Kind = Literal["function", "category", "subcategory"]
# "Business Environment (ID.BE): [Withdrawn: Incorporated into GV.OC]" or "ID.BE-01: [Withdrawn: Moved to GV.OC-05]"
_WITHDRAWN = re.compile(r"(?:\(|^)([A-Z]{2}\.[A-Z]{2}(?:-\d{2})?)\)?:\s*\[Withdrawn:\s*([^\]]*)\]")
_CSF_ID = re.compile(r"\b[A-Z]{2}(?:\.[A-Z]{2})?(?:-\d{2})?\b")


@dataclass(slots=True)
class CsfItem:
    """A CSF function, category or subcategory; withdrawn 1.1 items say where they went."""

    id: str
    kind: Kind
    title: str
    text: str
    parent: str | None
    examples: tuple[str, ...] = ()
    withdrawn: bool = False
    withdrawn_note: str | None = None
    incorporated_into: tuple[str, ...] = ()


@dataclass(slots=True)
class Csf:
    """The CSF 2.0 core in document order, with an id index."""

    version: str
    items: list[CsfItem]
    index: dict[str, CsfItem] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.index = {item.id: item for item in self.items}

    def of_kind(self, kind: Kind, *, current_only: bool = True) -> list[CsfItem]:
        """Return the items of one kind, by default without the withdrawn ones."""
        return [i for i in self.items if i.kind == kind and not (current_only and i.withdrawn)]


def withdrawn_markers(workbook: bytes, name: str = "csf2.xlsx") -> dict[str, str]:
    """Map each withdrawn CSF id in the CPRT workbook to its note (e.g. `Incorporated into GV.OC-05`)."""
    with warnings.catch_warnings():
        # NIST's export has no default cell style; openpyxl warns about it on every load.
        warnings.simplefilter("ignore", UserWarning)
        book = openpyxl.load_workbook(io.BytesIO(workbook), read_only=True, data_only=True)
    try:
        sheet = book["CSF 2.0"]
        markers: dict[str, str] = {}
        for row in sheet.iter_rows(min_row=3, max_col=3, values_only=True):
            for cell in row:
                match = _WITHDRAWN.search(str(cell)) if cell else None
                if match:
                    markers[match.group(1)] = match.group(2).strip()
        return markers
    finally:
        book.close()


def _item(control: Control, markers: dict[str, str]) -> CsfItem:
    note = markers.get(control.id)
    examples = tuple(p.prose for p in control.parts if p.name == "example")
    kind: Kind = "category" if control.cls == "category" else "subcategory"
    return CsfItem(
        id=control.id,
        kind=kind,
        title=control.title,
        text=control.part_text("statement"),
        parent=control.parent or control.group,
        examples=examples,
        withdrawn=note is not None,
        withdrawn_note=note,
        incorporated_into=tuple(_CSF_ID.findall(note)) if note else (),
    )


def build_csf(catalog: Catalog, markers: dict[str, str]) -> Csf:
    """Combine the CSF OSCAL catalog with the workbook's withdrawn markers."""
    items: list[CsfItem] = []
    for group in catalog.groups:
        overview = "\n".join(p.text() for p in group.parts if p.name == "overview")
        items.append(CsfItem(id=group.id or "", kind="function", title=group.title, text=overview, parent=None))
        stack = list(reversed(group.controls))
        while stack:
            control = stack.pop()
            items.append(_item(control, markers))
            stack.extend(reversed(control.controls))
    return Csf(version=catalog.metadata.version, items=items)


def load_csf() -> Csf:
    """Load CSF 2.0 from the shipped OSCAL XML catalog and CPRT workbook."""
    catalog = parse_catalog_xml(read_data(CSF_CATALOG), CSF_CATALOG.rsplit("/", 1)[-1])
    return build_csf(catalog, withdrawn_markers(read_data(CSF_WORKBOOK)))

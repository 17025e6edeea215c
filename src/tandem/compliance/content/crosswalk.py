"""The NIST OLIR CSF 2.0 → SP 800-53 5.2.0 concept crosswalk (xlsx) as mapping records."""

from __future__ import annotations

import io
import re
import warnings

import openpyxl

from tandem.compliance.oscal.common import JSON
from tandem.compliance.oscal.errors import OscalError
from tandem.compliance.oscal.ids import normalise_control_id
from tandem.compliance.oscal.mapping import MappingRecord, MappingSet, Relationship, to_mapping_collection
from tandem.platform.safety import WORKBOOK_ERRORS, inspect_zip

from .files import CSF_TO_800_53, read_data

SOURCE = "NIST CSF@2.0"
TARGET = "NIST SP 800-53@5.2.0"
PROVENANCE = "NIST OLIR concept crosswalk 186 (CSF 2.0 → SP 800-53 5.2.0, draft), public domain"
# OLIR concept crosswalks say only that the two elements are related, never how (no set-theory type),
# so every row becomes the weakest OSCAL relationship; propagation must treat it as partial, needs review.
RELATIONSHIP: Relationship = "intersects-with"
_COLUMNS = 6
SHEET = "Relationships"
_SPLIT = re.compile(r"[\s,;]+")


_UNREADABLE = WORKBOOK_ERRORS


def _rows(workbook: bytes, name: str) -> list[tuple[object, ...]]:
    inspect_zip(workbook, name)  # refuse bombs and climbing member names before openpyxl inflates anything
    try:
        with warnings.catch_warnings():
            # NIST's export has no default cell style; openpyxl warns about it on every load.
            warnings.simplefilter("ignore", UserWarning)
            book = openpyxl.load_workbook(io.BytesIO(workbook), read_only=True, data_only=True)
        try:
            sheets = book.sheetnames
            rows = list(book[SHEET].iter_rows(values_only=True, max_col=_COLUMNS)) if SHEET in sheets else None
        finally:
            book.close()
    except _UNREADABLE as exc:
        raise OscalError(f"not a readable XLSX workbook ({type(exc).__name__})", name) from None
    if rows is None:
        raise OscalError(f"the workbook has no {SHEET!r} sheet (an OLIR crosswalk has one)", name)
    return rows


def _strength(value: object, location: str) -> int | None:
    if value is None or str(value).strip() == "":
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        raise OscalError(f"strength {value!r} is not a whole number", location) from None


def _text(value: object) -> str:
    return str(value).strip() if value is not None else ""


def parse_crosswalk(workbook: bytes, name: str = "crosswalk.xlsx") -> list[MappingRecord]:
    """Turn each Focal (CSF) → Reference (800-53) row into records with OSCAL target ids."""
    records: list[MappingRecord] = []
    for line, row in enumerate(_rows(workbook, name)[1:], start=2):
        cells = (*row, *([None] * (_COLUMNS - len(row))))
        source, _, target_cell, _, comment, strength = cells[:_COLUMNS]
        if not _text(target_cell):
            continue  # function and category rows carry their description only
        for raw_target in _SPLIT.split(_text(target_cell)):
            try:
                target = normalise_control_id(raw_target)
            except ValueError as exc:
                raise OscalError(str(exc), f"{name}:{line}:3") from None
            records.append(
                MappingRecord(
                    source_framework=SOURCE,
                    source_id=_text(source),
                    target_framework=TARGET,
                    target_id=target,
                    relationship=RELATIONSHIP,
                    strength=_strength(strength, f"{name}:{line}:6"),
                    comment=_text(comment) or None,
                    provenance=PROVENANCE,
                )
            )
    return records


def load_csf_to_800_53() -> list[MappingRecord]:
    """Load the shipped CSF 2.0 → SP 800-53 5.2.0 crosswalk."""
    return parse_crosswalk(read_data(CSF_TO_800_53), CSF_TO_800_53.rsplit("/", 1)[-1])


def crosswalk_collection(records: list[MappingRecord]) -> JSON:
    """Export crosswalk records as an OSCAL mapping-collection (status draft, as NIST labels the file)."""
    mapping = MappingSet(
        title="NIST CSF 2.0 to SP 800-53 Rev. 5.2.0 concept crosswalk",
        version="5.2.0-draft",
        source_href="NIST_CSF_v2.0_catalog.xml",
        target_href="NIST_SP-800-53_rev5_catalog.json",
        records=tuple(records),
        description=(
            "NIST OLIR concept crosswalk converted by Tandem. The source states no set-theory relationship, "
            "so every map is intersects-with (concept mapping)."
        ),
        status="draft",
    )
    return to_mapping_collection(mapping)

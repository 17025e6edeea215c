"""Hostile mapping and framework files: located InvalidInput (or a located safety error), never a crash."""

from __future__ import annotations

import gzip
import io
import zipfile

import openpyxl
import pytest

from tandem.compliance.content.crosswalk import parse_crosswalk
from tandem.compliance.frameworks.mappings import parse_mapping_collection
from tandem.compliance.frameworks.service import load_document, parse_catalog_file
from tandem.platform.errors import InvalidInput
from tandem.platform.safety.errors import UnsafeInput

DEEP = b"[" * 100_000 + b"]" * 100_000


def _workbook(sheet: str) -> bytes:
    book = openpyxl.Workbook()
    book.active.title = sheet
    book.active.append(["Focal", "x", "Reference"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_json_recursion_bomb_and_binary_are_located() -> None:
    for data, name in ((DEEP, "deep.json"), (gzip.compress(b"{}" * 1000), "m.json.gz"), (b"\xff\xfe{}", "b.json")):
        for parse in (load_document, parse_mapping_collection, parse_catalog_file):
            with pytest.raises(InvalidInput) as exc:
                parse(data, name)
            assert exc.value.errors[0].location.startswith(f"{name}:1:"), exc.value.errors


def test_a_utf8_bom_is_allowed() -> None:
    assert load_document(b'\xef\xbb\xbf{"catalog": {}}', "bom.json") == {"catalog": {}}


def test_crosswalk_refuses_what_is_not_a_workbook() -> None:
    damaged = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<garbage"})
    cases = {
        b"plain text": "not a ZIP",
        _zip({"[Content_Types].xml": b"<Types/>"}): "not a readable XLSX workbook",
        damaged: "not a readable XLSX workbook",
        _zip({"xl/worksheets/sheet1.xml": b" " * 2_000_000}): "compression ratio",
        _zip({"../../evil.txt": b"x"}): "traverses",
        _workbook("Other"): "no 'Relationships' sheet",
    }
    for data, reason in cases.items():
        with pytest.raises(UnsafeInput) as exc:
            parse_crosswalk(data, "map.xlsx")
        assert (exc.value.location or "").startswith("map.xlsx") and reason in exc.value.reason, exc.value
    assert parse_crosswalk(_workbook("Relationships"), "map.xlsx") == []

"""The simple CSV/YAML framework format: all-or-nothing, with located problems."""

from __future__ import annotations

import pytest

from tandem.compliance.content.simple_format import FrameworkFileError, parse_simple_csv, parse_simple_yaml
from tandem.platform.safety.errors import UnsafeInput

GOOD_CSV = 'id,parent_id,title,description,kind\nA.5,,Organisational,,group\nA.5.1,A.5,Policies,"Two\nlines",\n'


def test_csv_reads_items_with_their_lines() -> None:
    framework = parse_simple_csv(GOOD_CSV.encode(), "iso.csv", "ISO/IEC 27001", "2022")
    assert [(i.id, i.parent_id, i.kind, i.line) for i in framework.items] == [
        ("A.5", None, "group", 2),
        ("A.5.1", "A.5", "requirement", 3),
    ]
    assert framework.items[1].description == "Two\nlines"


def test_csv_reports_every_problem_with_file_line_column() -> None:
    text = 'id,title,parent_id\nA,"Multi\nline",\nB,Bee,Z\nA,Again,\nC,,A\n'
    with pytest.raises(FrameworkFileError) as caught:
        parse_simple_csv(text.encode(), "f.csv", "X")
    assert [str(p) for p in caught.value.problems] == [
        "f.csv:5:1: duplicate id 'A' (first on line 2)",
        "f.csv:6:2: title is empty",
        "f.csv:4:3: parent_id 'Z' is not an id in this file",
    ]
    assert caught.value.location == "f.csv:5:1"


def test_csv_rejects_unknown_columns_and_cycles() -> None:
    with pytest.raises(UnsafeInput, match="unknown column"):
        parse_simple_csv(b"id,title,colour\nA,a,red\n", "f.csv", "X")
    with pytest.raises(FrameworkFileError, match="makes a cycle"):
        parse_simple_csv(b"id,title,parent_id\nA,a,B\nB,b,A\n", "f.csv", "X")


def test_yaml_reads_header_and_items() -> None:
    text = (
        "framework: PCI DSS\nversion: '4.0.1'\nitems:\n"
        "  - id: '1'\n    title: Req 1\n    kind: group\n"
        "  - id: '1.1'\n    parent_id: '1'\n    title: Sub\n"
    )
    framework = parse_simple_yaml(text, "pci.yaml")
    assert (framework.name, framework.version) == ("PCI DSS", "4.0.1")
    assert [(i.id, i.line) for i in framework.items] == [("1", 4), ("1.1", 7)]


def test_yaml_problems_are_located() -> None:
    text = "items:\n  - id: A\n    title: a\n    colour: red\n  - id: A\n    title: b\n  - title: no id\n"
    with pytest.raises(FrameworkFileError) as caught:
        parse_simple_yaml(text, "f.yaml")
    reasons = [str(p) for p in caught.value.problems]
    assert reasons[0].startswith("f.yaml:4:5: unknown key 'colour'")
    assert "f.yaml:7:5: missing required key(s): id" in reasons
    assert "f.yaml:5:9: duplicate id 'A' (first on line 2)" in reasons


def test_yaml_aliases_and_syntax_errors_are_rejected() -> None:
    with pytest.raises(UnsafeInput, match="aliases are not allowed"):
        parse_simple_yaml("a: &x [1]\nitems: *x\n", "f.yaml")
    with pytest.raises(UnsafeInput) as caught:
        parse_simple_yaml("items: [\n", "f.yaml")
    assert caught.value.location is not None and caught.value.location.startswith("f.yaml:")

"""Parsing OSCAL catalogs (JSON and XML) into dataclasses."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tandem.compliance.content.files import CSF_CATALOG, read_data
from tandem.compliance.oscal import Catalog, OscalError, normalise_control_id, parse_catalog, parse_catalog_xml
from tandem.platform.safety.errors import UnsafeXML


def test_sp800_53_has_nist_counts(catalog: Catalog) -> None:
    assert catalog.metadata.version == "5.2.0"
    assert len(catalog.groups) == 20
    assert len(catalog.index) == 1196
    assert [c.id for c in catalog.all_controls()][:3] == ["ac-1", "ac-2", "ac-2.1"]


def test_enhancements_know_parent_group_and_label(catalog: Catalog) -> None:
    enhancement = catalog.index["ac-2.1"]
    assert (enhancement.parent, enhancement.group, enhancement.label) == ("ac-2", "ac", "AC-2(1)")
    assert enhancement.cls == "SP800-53-enhancement"
    assert "ac-2.1" in {c.id for c in catalog.index["ac-2"].controls}


def test_withdrawn_controls_are_flagged_with_their_successors(catalog: Catalog) -> None:
    withdrawn = catalog.index["ac-13"]
    assert withdrawn.withdrawn and not catalog.index["ac-2"].withdrawn
    assert {link.href for link in withdrawn.links if link.rel == "incorporated-into"} == {"#ac-2", "#au-6"}


def test_statement_renders_parameters_as_800_53_prints_them(catalog: Catalog) -> None:
    assert (
        catalog.index["ac-2.1"].statement
        == "Support the management of system accounts using [Assignment: automated mechanisms]."
    )
    statement = catalog.index["ac-1"].statement
    assert statement.startswith(
        "a. Develop, document, and disseminate to [Assignment: organization-defined personnel or roles]:"
    )
    assert "[Selection (one or more): organization-level; mission/business process-level; system-level]" in statement
    assert catalog.index["ac-1"].guidance


def test_params_keep_selections_and_guidelines(catalog: Catalog) -> None:
    params = {p.id: p for p in catalog.index["ac-1"].params}
    assert params["ac-01_odp.03"].choices == ("organization-level", "mission/business process-level", "system-level")
    assert params["ac-01_odp.01"].guidelines.startswith("personnel or roles to whom")


def test_invalid_json_is_a_located_error() -> None:
    with pytest.raises(OscalError) as caught:
        parse_catalog(b'{"catalog": {\n  "uuid": }', "bad.json")
    assert caught.value.location == "bad.json:2:11"


def test_non_catalog_document_is_rejected() -> None:
    with pytest.raises(OscalError, match="no top-level 'catalog'"):
        parse_catalog(b'{"profile": {}}', "p.json")


def test_csf_xml_catalog_parses_with_prose_and_examples() -> None:
    csf = parse_catalog_xml(read_data(CSF_CATALOG), "csf.xml")
    assert [g.id for g in csf.groups] == ["GV", "ID", "PR", "DE", "RS", "RC"]
    subcategory = csf.index["GV.OC-01"]
    assert subcategory.parent == "GV.OC" and subcategory.group == "GV"
    assert (
        subcategory.part_text("statement")
        == "The organizational mission is understood and informs cybersecurity risk management"
    )
    assert sum(1 for p in subcategory.parts if p.name == "example") >= 1


def test_xml_catalog_parse_is_defused() -> None:
    evil = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><catalog xmlns="http://csrc.nist.gov/ns/oscal/1.0"/>'
    with pytest.raises(UnsafeXML):
        parse_catalog_xml(evil, "evil.xml")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("PM-09", "pm-9"),
        ("PM-9\n", "pm-9"),
        ("pm-9", "pm-9"),
        ("AC-2(1)", "ac-2.1"),
        ("CP-02(08)", "cp-2.8"),
        ("ac-2.1", "ac-2.1"),
        ("PT", "pt"),
    ],
)
def test_control_ids_normalise_to_oscal_form(raw: str, expected: str) -> None:
    assert normalise_control_id(raw) == expected


def test_non_800_53_id_is_rejected() -> None:
    with pytest.raises(ValueError, match="not an SP 800-53 control id"):
        normalise_control_id("GV.OC-01")


def test_engine_and_content_import_no_framework() -> None:
    code = (
        "import sys, tandem.compliance.oscal, tandem.compliance.content.csf, tandem.compliance.content.gdpr, "
        "tandem.compliance.content.simple_format, tandem.compliance.content.crosswalk, tandem.compliance.content.nist; "
        "print(sorted(m for m in ('sqlalchemy', 'fastapi', 'jinja2', 'typer') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"

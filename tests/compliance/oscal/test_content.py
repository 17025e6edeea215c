"""Shipped content: CSF 2.0, the CSF → 800-53 crosswalk, GDPR, HIPAA Security Rule, ISO 27001 ids."""

from __future__ import annotations

import pytest

from tandem.compliance.content.crosswalk import RELATIONSHIP, crosswalk_collection, load_csf_to_800_53
from tandem.compliance.content.csf import Csf, load_csf
from tandem.compliance.content.gdpr import ATTRIBUTION, load_gdpr
from tandem.compliance.content.hipaa import security_rule
from tandem.compliance.content.iso27001 import annex_a
from tandem.compliance.oscal import Catalog, validate_document
from tandem.compliance.oscal.mapping import MappingRecord


@pytest.fixture(scope="module")
def csf() -> Csf:
    return load_csf()


@pytest.fixture(scope="module")
def crosswalk() -> list[MappingRecord]:
    return load_csf_to_800_53()


def test_csf_has_six_functions_22_categories_106_subcategories(csf: Csf) -> None:
    assert len(csf.of_kind("function")) == 6
    assert len(csf.of_kind("category")) == 22
    assert len(csf.of_kind("subcategory")) == 106
    assert len(csf.of_kind("category", current_only=False)) == 34
    assert len(csf.of_kind("subcategory", current_only=False)) == 185


def test_csf_withdrawn_items_say_where_they_went(csf: Csf) -> None:
    assert csf.index["ID.BE-01"].withdrawn and csf.index["ID.BE-01"].incorporated_into == ("GV.OC-05",)
    assert csf.index["PR.AC"].withdrawn_note == "Moved to PR.AA"
    current = csf.index["GV.OC-01"]
    assert not current.withdrawn and current.parent == "GV.OC" and current.examples


def test_crosswalk_targets_are_oscal_ids_present_in_the_catalog(
    crosswalk: list[MappingRecord], catalog: Catalog
) -> None:
    assert len(crosswalk) == 746
    assert {r.relationship for r in crosswalk} == {RELATIONSHIP} == {"intersects-with"}
    families = {g.id for g in catalog.groups}
    assert all(r.target_id in catalog.index or r.target_id in families for r in crosswalk)
    first = crosswalk[0]
    assert (first.source_id, first.target_id, first.strength) == ("GV.OC-01", "pm-11", None)
    assert any(r.source_id == "GV.OC-02" and r.target_id == "pm-9" for r in crosswalk)  # file says "PM-09\n"


def test_crosswalk_exports_a_valid_mapping_collection(crosswalk: list[MappingRecord]) -> None:
    doc = crosswalk_collection(crosswalk)
    assert validate_document(doc) == []
    maps = doc["mapping-collection"]["mappings"][0]["maps"]
    assert sum(len(m["targets"]) for m in maps) == len(crosswalk)


def test_gdpr_has_99_articles_with_relevant_ones_flagged() -> None:
    articles = load_gdpr()
    assert [a.number for a in articles] == list(range(1, 100))
    assert {a.number for a in articles if a.relevant} == {5, 24, 25, 28, 30, 32, 33, 34, 35, 37, 38, 39}
    art32 = articles[31]
    assert art32.title == "Security of processing" and art32.chapter == "CHAPTER IV: Controller and processor"
    assert "(a) the pseudonymisation and encryption of personal data;" in art32.text
    assert "‘personal data’ means" in articles[3].text
    assert ATTRIBUTION == "© European Union, https://eur-lex.europa.eu"


def test_hipaa_security_rule_counts() -> None:
    items = security_rule()
    standards = [i for i in items if i.kind == "standard"]
    specs = [i for i in items if i.kind == "implementation"]
    per_section = {s: sum(1 for i in standards if i.safeguard == s) for s in {i.safeguard for i in items}}
    assert per_section == {"administrative": 9, "physical": 4, "technical": 5, "organizational": 2, "documentation": 2}
    appendix_a = [i for i in specs if i.safeguard in {"administrative", "physical", "technical"}]
    assert len(appendix_a) == 36
    assert sum(i.requirement == "addressable" for i in specs) == 22
    assert len({i.citation for i in items}) == len(items)


@pytest.mark.parametrize(
    ("citation", "requirement", "parent"),
    [
        ("164.308(a)(1)(ii)(A)", "required", "164.308(a)(1)"),
        ("164.308(a)(3)(ii)(A)", "addressable", "164.308(a)(3)"),
        ("164.308(a)(4)(ii)(A)", "required", "164.308(a)(4)"),
        ("164.308(a)(5)(ii)(D)", "addressable", "164.308(a)(5)"),
        ("164.308(a)(6)(ii)", "required", "164.308(a)(6)"),
        ("164.308(a)(7)(ii)(C)", "required", "164.308(a)(7)"),
        ("164.308(a)(7)(ii)(E)", "addressable", "164.308(a)(7)"),
        ("164.308(b)(3)", "required", "164.308(b)(1)"),
        ("164.310(a)(2)(iv)", "addressable", "164.310(a)(1)"),
        ("164.310(d)(2)(i)", "required", "164.310(d)(1)"),
        ("164.310(d)(2)(iii)", "addressable", "164.310(d)(1)"),
        ("164.312(a)(2)(i)", "required", "164.312(a)(1)"),
        ("164.312(a)(2)(iv)", "addressable", "164.312(a)(1)"),
        ("164.312(c)(2)", "addressable", "164.312(c)(1)"),
        ("164.312(e)(2)(ii)", "addressable", "164.312(e)(1)"),
        ("164.314(a)(2)(iii)", "required", "164.314(a)(1)"),
        ("164.316(b)(2)(i)", "required", "164.316(b)(1)"),
    ],
)
def test_hipaa_flags_follow_the_regulation(citation: str, requirement: str, parent: str) -> None:
    item = {i.citation: i for i in security_rule()}[citation]
    assert (item.requirement, item.parent) == (requirement, parent)


def test_iso27001_annex_a_is_93_ids_without_titles() -> None:
    controls = annex_a()
    assert len(controls) == 93
    assert [c.id for c in controls][:2] == ["A.5.1", "A.5.2"] and controls[-1].id == "A.8.34"
    assert {c.theme for c in controls} == {"organizational", "people", "physical", "technological"}
    assert not hasattr(controls[0], "title")

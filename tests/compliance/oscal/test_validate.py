"""Schema validation against the shipped OSCAL 1.2.3 JSON schemas, with the regex engine for \\p{L}."""

from __future__ import annotations

import copy

import orjson
import pytest

from tandem.compliance.content.files import BASELINES, baseline_profile, read_data
from tandem.compliance.oscal import OscalError, check_document, validate_document

from .conftest import mini_catalog_doc, resolved_oracle


@pytest.mark.parametrize("baseline", BASELINES)
def test_nist_baseline_profiles_are_valid(baseline: str) -> None:
    assert validate_document(orjson.loads(read_data(baseline_profile(baseline)))) == []


def test_nist_resolved_privacy_catalog_is_valid() -> None:
    assert validate_document(resolved_oracle("PRIVACY")) == []


def test_unicode_ids_pass_the_p_l_patterns() -> None:
    doc = mini_catalog_doc()
    doc["catalog"]["groups"][0]["controls"][0]["id"] = "zugriff-ä1"
    assert validate_document(doc) == []


def test_violations_are_located_by_json_path() -> None:
    doc = copy.deepcopy(mini_catalog_doc())
    doc["catalog"]["groups"][0]["controls"][0]["id"] = "1 bad id"
    del doc["catalog"]["metadata"]["title"]
    issues = {i.path: i.reason for i in validate_document(doc)}
    assert "does not match the pattern" in issues["$.catalog.groups[0].controls[0].id"]
    assert issues["$.catalog.metadata"] == "'title' is a required property"


def test_check_document_raises_the_first_issue_with_its_location() -> None:
    doc = mini_catalog_doc()
    doc["catalog"]["uuid"] = "not-a-uuid"
    with pytest.raises(OscalError) as caught:
        check_document(doc, "mini.json")
    assert caught.value.location == "mini.json:$.catalog.uuid"


def test_document_without_an_oscal_root_is_rejected() -> None:
    with pytest.raises(OscalError, match="expected exactly one OSCAL root"):
        check_document({"system-security-plan": {}}, "ssp.json")

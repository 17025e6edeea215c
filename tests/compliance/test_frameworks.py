"""The framework library: shipped content, all-or-nothing imports with located errors, versions and diffs."""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy.orm import Session

from tandem.compliance.content.files import baseline_profile, read_data
from tandem.compliance.frameworks import mappings
from tandem.compliance.frameworks import service as frameworks
from tandem.compliance.oscal import validate_document
from tandem.platform.auth.principal import CONSOLE
from tandem.platform.errors import Conflict, InvalidInput


def test_shipped_library(session: Session, library: dict[str, uuid.UUID]) -> None:
    counts = {f.key: f.requirement_count for f in frameworks.list_frameworks(session, CONSOLE)}
    assert counts["nist-sp800-53-low"] == 149
    assert counts["nist-sp800-53-moderate"] == 287
    assert counts["nist-sp800-53-high"] == 370
    assert counts["nist-csf"] == 106 and counts["iso27001-annex-a"] == 93 and counts["eu-gdpr"] == 12
    tree = frameworks.tree(session, CONSOLE, library["nist-csf"])
    withdrawn = [n for n in tree if n["withdrawn"]]
    assert any(n["ref"] == "ID.BE" for n in withdrawn) and not any(n["assessable"] for n in withdrawn)
    ac2 = frameworks.get_requirement(session, CONSOLE, library["nist-sp800-53-moderate"], "ac-2")
    assert ac2.base_requirement_id == frameworks.get_requirement(session, CONSOLE, library["nist-sp800-53"], "ac-2").id


def test_tree_search_keeps_ancestors(session: Session, library: dict[str, uuid.UUID]) -> None:
    nodes = frameworks.tree(session, CONSOLE, library["nist-sp800-53"], "account management")
    refs = [n["ref"] for n in nodes]
    assert "ac" in refs and "ac-2" in refs and len(refs) < 30


def test_crosswalk_and_mapping_collection_export(session: Session, library: dict[str, uuid.UUID]) -> None:
    ac2 = frameworks.get_requirement(session, CONSOLE, library["nist-sp800-53"], "ac-2")
    mapped = mappings.mapped(session, CONSOLE, ac2.id)
    assert any(m["framework"] == "NIST Cybersecurity Framework" for m in mapped)
    doc = mappings.export_collection(session, CONSOLE, library["nist-csf"], library["nist-sp800-53"])
    assert validate_document(doc) == []
    assert len(doc["mapping-collection"]["mappings"][0]["maps"]) > 100


SIMPLE = b"id,parent_id,title,kind\nA,,Area A,group\nA.1,A,First,requirement\nA.2,A,Second,requirement\n"


def test_simple_import_versions_and_diff(session: Session, library: dict[str, uuid.UUID]) -> None:
    v1 = frameworks.import_simple(session, CONSOLE, SIMPLE, "f.csv", "acme-policy", "1")
    v2_data = b"id,parent_id,title,kind\nA,,Area A,group\nA.1,A,First (revised),requirement\nA.3,A,Third,requirement\n"
    v2 = frameworks.import_simple(session, CONSOLE, v2_data, "f.csv", "acme-policy", "2")
    assert v1.requirement_count == 2 and v2.requirement_count == 2
    d = frameworks.diff(session, CONSOLE, v1.id, v2.id)
    assert [x["ref"] for x in d["added"]] == ["A.3"]
    assert [x["ref"] for x in d["withdrawn"]] == ["A.2"]
    assert [x["ref"] for x in d["changed"]] == ["A.1"]
    with pytest.raises(Conflict):
        frameworks.import_simple(session, CONSOLE, SIMPLE, "f.csv", "acme-policy", "1")
    assert frameworks.find_framework(session, CONSOLE, "acme-policy").id == v2.id  # the newest; v1 is kept


def test_simple_import_errors_are_located_and_write_nothing(session: Session, library: dict[str, uuid.UUID]) -> None:
    before = len(frameworks.list_frameworks(session, CONSOLE))
    with pytest.raises(InvalidInput) as err:
        frameworks.import_simple(session, CONSOLE, b"id,title\nA,x\nA,y\n", "dup.csv", "dup", "1")
    assert err.value.errors[0].location.startswith("dup.csv:3")
    with pytest.raises(InvalidInput) as err:
        frameworks.import_simple(session, CONSOLE, b"id,name\nA,x\n", "cols.csv", "cols", "1")
    assert "cols.csv" in err.value.errors[0].location
    assert len(frameworks.list_frameworks(session, CONSOLE)) == before


def test_profile_with_unknown_control_is_rejected(session: Session, library: dict[str, uuid.UUID]) -> None:
    doc = json.loads(read_data(baseline_profile("LOW")))
    doc["profile"]["imports"][0]["include-controls"][0]["with-ids"].append("zz-99")
    with pytest.raises(InvalidInput) as err:
        frameworks.import_profile(session, CONSOLE, json.dumps(doc).encode(), "low.json", "my-low")
    assert err.value.errors[0].location.startswith("low.json")


def test_profile_import_is_a_baseline_view(session: Session, library: dict[str, uuid.UUID]) -> None:
    fw = frameworks.import_profile(session, CONSOLE, read_data(baseline_profile("LOW")), "low.json", "custom-low")
    assert fw.requirement_count == 149 and fw.kind == "baseline"


def test_catalog_import_validates_against_the_schema(session: Session, library: dict[str, uuid.UUID]) -> None:
    bad = {"catalog": {"uuid": "not-a-uuid", "metadata": {"title": "x"}}}
    with pytest.raises(InvalidInput) as err:
        frameworks.import_catalog(session, CONSOLE, json.dumps(bad).encode(), "bad.json")
    assert err.value.errors[0].location.startswith("bad.json")
    good = {
        "catalog": {
            "uuid": str(uuid.uuid4()),
            "metadata": {
                "title": "Tiny",
                "version": "1",
                "oscal-version": "1.1.2",
                "last-modified": "2026-01-01T00:00:00Z",
            },
            "controls": [{"id": "t-1", "title": "One"}],
        }
    }
    fw = frameworks.import_catalog(session, CONSOLE, json.dumps(good).encode(), "tiny.json")
    assert fw.key == "tiny" and fw.requirement_count == 1

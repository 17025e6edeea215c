"""Profiles resolved against catalogs imported into the library (not only the shipped 800-53)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from sqlalchemy.orm import Session

from tandem.compliance.frameworks import service as frameworks
from tandem.platform.auth.principal import CONSOLE
from tandem.platform.errors import InvalidInput

META = {"version": "1", "oscal-version": "1.1.2", "last-modified": "2026-01-01T00:00:00Z"}


def _catalog(title: str) -> dict[str, Any]:
    def control(cid: str, name: str, children: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": cid,
            "title": name,
            "params": [{"id": f"{cid}_prm_1", "label": "frequency"}],
            "parts": [
                {
                    "id": f"{cid}_smt",
                    "name": "statement",
                    "prose": f"Do {name} every {{{{ insert: param, {cid}_prm_1 }}}}.",
                }
            ],
        }
        if children:
            body["controls"] = children
        return body

    return {
        "catalog": {
            "uuid": str(uuid.uuid4()),
            "metadata": {"title": title, **META},
            "groups": [
                {
                    "id": "ops",
                    "title": "Operations",
                    "controls": [
                        control("ops-1", "backups", [control("ops-1.1", "offsite copies")]),
                        control("ops-2", "patching"),
                    ],
                }
            ],
        }
    }


def _profile(imports: list[dict[str, Any]], back: list[dict[str, Any]] | None = None) -> bytes:
    body: dict[str, Any] = {
        "uuid": str(uuid.uuid4()),
        "metadata": {"title": f"Acme baseline {uuid.uuid4().hex[:6]}", **META},
        "imports": imports,
        "modify": {"set-parameters": [{"param-id": "ops-1_prm_1", "values": ["daily"]}]},
    }
    if back:
        body["back-matter"] = {"resources": back}
    return json.dumps({"profile": body}).encode()


def _import(session: Session, title: str, file: str) -> dict[str, Any]:
    doc = _catalog(title)
    frameworks.import_catalog(session, CONSOLE, json.dumps(doc).encode(), file)
    return doc


def test_profile_resolves_against_an_imported_catalog(session: Session, library: dict[str, uuid.UUID]) -> None:
    tag = uuid.uuid4().hex[:6]
    doc = _import(session, f"Acme Ops {tag}", f"acme-ops-{tag}.json")
    cat_uuid = doc["catalog"]["uuid"]
    pick = {"include-controls": [{"with-ids": ["ops-1"], "with-child-controls": "yes"}]}
    resource = str(uuid.uuid4())
    by_rlink = _profile(
        [{"href": f"#{resource}", **pick}],
        [
            {
                "uuid": resource,
                "rlinks": [{"href": f"../catalogs/acme-ops-{tag}.json", "media-type": "application/json"}],
            }
        ],
    )
    fw = frameworks.import_profile(session, CONSOLE, by_rlink, "p1.json", f"acme-ops-base-{tag}")
    assert fw.kind == "baseline" and fw.requirement_count == 2  # ops-1 and its enhancement ops-1.1
    ops1 = frameworks.get_requirement(session, CONSOLE, fw.id, "ops-1")
    assert "daily" in ops1.text  # the profile's parameter setting reached the stored statement
    catalog_fw = frameworks.find_framework(session, CONSOLE, f"acme-ops-{tag}")
    base = frameworks.get_requirement(session, CONSOLE, catalog_fw.id, "ops-1")
    assert ops1.base_requirement_id == base.id  # same identity as the catalog node
    by_uuid = _profile([{"href": f"#{cat_uuid}", "include-all": {}}])
    assert frameworks.import_profile(session, CONSOLE, by_uuid, "p2.json", f"u-{tag}").requirement_count == 3
    titled = str(uuid.uuid4())
    by_title = _profile([{"href": f"#{titled}", "include-all": {}}], [{"uuid": titled, "title": f"Acme Ops {tag}"}])
    assert frameworks.import_profile(session, CONSOLE, by_title, "p3.json", f"t-{tag}").requirement_count == 3


def test_profile_naming_a_missing_catalog_is_located_and_writes_nothing(
    session: Session, library: dict[str, uuid.UUID]
) -> None:
    tag = uuid.uuid4().hex[:6]
    _import(session, f"Acme Ops {tag}", f"acme-ops-{tag}.json")
    before = len(frameworks.list_frameworks(session, CONSOLE))
    profile = _profile(
        [
            {"href": f"acme-ops-{tag}.json", "include-all": {}},
            {"href": "nowhere/absent-catalog.json", "include-all": {}},
        ]
    )
    with pytest.raises(InvalidInput) as err:
        frameworks.import_profile(session, CONSOLE, profile, "two.json", f"two-{tag}")
    problem = err.value.errors[0]
    assert problem.location == "two.json:$.profile.imports[1].href"
    assert "absent-catalog.json" in problem.reason and "no catalog in the library" in problem.reason
    assert len(frameworks.list_frameworks(session, CONSOLE)) == before

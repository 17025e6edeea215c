"""Profile resolution: NIST's baselines give NIST's resolved ids; selection, merge and modify semantics."""

from __future__ import annotations

from typing import Any

import pytest

from tandem.compliance.content.files import BASELINES
from tandem.compliance.content.nist import load_baseline, shipped_resolver
from tandem.compliance.oscal import (
    Catalog,
    OscalError,
    catalog_from_dict,
    profile_from_dict,
    resolve_profile,
    resolved_ids,
)
from tandem.compliance.oscal.resolve import resolver_from_files

from .conftest import resolved_oracle

SELECTED = {"LOW": 149, "MODERATE": 287, "HIGH": 370, "PRIVACY": 96}
RESOLVED = {"LOW": 149, "MODERATE": 287, "HIGH": 370, "PRIVACY": 102}


@pytest.mark.parametrize("baseline", BASELINES)
def test_baselines_resolve_to_nists_exact_control_ids(catalog: Catalog, baseline: str) -> None:
    profile = load_baseline(baseline)
    assert sum(len(s.with_ids) for i in profile.imports for s in i.include) == SELECTED[baseline]
    ours = resolve_profile(profile, shipped_resolver)
    oracle = catalog_from_dict(resolved_oracle(baseline), f"{baseline}-resolved.json")
    assert resolved_ids(ours) == resolved_ids(oracle)
    assert len(resolved_ids(ours)) == RESOLVED[baseline]
    assert [g.id for g in ours.groups] == [g.id for g in oracle.groups]


def test_privacy_baseline_keeps_parents_of_selected_enhancements(catalog: Catalog) -> None:
    resolved = resolve_profile(load_baseline("PRIVACY"), shipped_resolver)
    ac3 = resolved.index["ac-3"]
    assert [c.id for c in ac3.controls] == ["ac-3.14"]


def profile_doc(
    imports: list[dict[str, Any]],
    merge: dict[str, Any] | None = None,
    modify: dict[str, Any] | None = None,
    *,
    source: str = "mini.json",
    uuid: str = "5d0f0e3e-9a55-4d7e-8c3a-2b1f6d4e8a90",
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "uuid": uuid,
        "metadata": {
            "title": "Tailored",
            "last-modified": "2025-01-01T00:00:00Z",
            "version": "1",
            "oscal-version": "1.2.3",
        },
        "imports": [{"href": "#cat", **imp} for imp in imports],
        "back-matter": {
            "resources": [
                {
                    "uuid": "cat",
                    "rlinks": [
                        {"href": "../x/mini.xml"},
                        {"href": f"../x/{source}", "media-type": "application/oscal.catalog+json"},
                    ],
                }
            ]
        },
    }
    if merge is not None:
        body["merge"] = merge
    if modify is not None:
        body["modify"] = modify
    return {"profile": body}


def resolve(mini: Catalog, doc: dict[str, Any]) -> Catalog:
    return resolve_profile(profile_from_dict(doc, "tailored.json"), resolver_from_files({"mini.json": mini}))


def test_include_all_minus_exclude(mini: Catalog) -> None:
    excludes = [{"with-ids": ["xa-1.2"]}, {"with-ids": ["xb-1"], "with-child-controls": "yes"}]
    doc = profile_doc([{"include-all": {}, "exclude-controls": excludes}], {"as-is": True})
    assert resolved_ids(resolve(mini, doc)) == ["xa-1", "xa-1.1", "xa-2"]


def test_excluded_parent_of_a_kept_enhancement_stays_as_its_container(mini: Catalog) -> None:
    doc = profile_doc([{"include-all": {}, "exclude-controls": [{"with-ids": ["xb-1"]}]}], {"as-is": True})
    assert resolved_ids(resolve(mini, doc))[-2:] == ["xb-1", "xb-1.1"]


def test_with_child_controls_and_matching(mini: Catalog) -> None:
    doc = profile_doc(
        [
            {
                "include-controls": [
                    {"with-ids": ["xa-1"], "with-child-controls": "yes"},
                    {"matching": [{"pattern": "xb-*.1"}]},
                ]
            }
        ],
        {"as-is": True},
    )
    resolved = resolve(mini, doc)
    assert resolved_ids(resolved) == ["xa-1", "xa-1.1", "xa-1.2", "xb-1", "xb-1.1"]
    assert [g.id for g in resolved.groups] == ["xa", "xb"]


def test_flat_merge_drops_structure(mini: Catalog) -> None:
    doc = profile_doc([{"include-controls": [{"with-ids": ["xa-1.1", "xb-1"]}]}], {"flat": {}})
    resolved = resolve(mini, doc)
    assert resolved.groups == () and [c.id for c in resolved.controls] == ["xa-1.1", "xb-1"]


def test_unknown_control_id_is_a_located_error(mini: Catalog) -> None:
    doc = profile_doc([{"include-controls": [{"with-ids": ["xa-1", "zz-9"]}]}])
    with pytest.raises(OscalError) as caught:
        resolve(mini, doc)
    assert caught.value.location == "tailored.json:$.profile.imports[0].include-controls[0].with-ids[1]"
    assert "unknown control id 'zz-9'" in caught.value.reason


def test_unresolvable_import_is_a_located_error(mini: Catalog) -> None:
    doc = profile_doc([{"include-all": {}}])
    with pytest.raises(OscalError) as caught:
        resolve_profile(profile_from_dict(doc, "tailored.json"), resolver_from_files({}))
    assert caught.value.location == "tailored.json:$.profile.imports[0].href"


def test_set_parameters_and_alters(mini: Catalog) -> None:
    modify = {
        "set-parameters": [{"param-id": "xa-2_prm_1", "values": ["quarterly"]}],
        "alters": [
            {
                "control-id": "xa-2",
                "removes": [{"by-name": "guidance"}],
                "adds": [
                    {
                        "position": "ending",
                        "parts": [{"name": "guidance", "prose": "Tailored guidance."}],
                        "props": [{"name": "priority", "value": "P1"}],
                    },
                    {
                        "position": "after",
                        "by-id": "xa-2_smt",
                        "parts": [{"id": "xa-2_extra", "name": "item", "prose": "Extra."}],
                    },
                ],
            }
        ],
    }
    resolved = resolve(mini, profile_doc([{"include-controls": [{"with-ids": ["xa-2"]}]}], {"as-is": True}, modify))
    control = resolved.index["xa-2"]
    assert control.statement == "Review xa-2 every quarterly."
    assert control.guidance == "Tailored guidance."
    assert [p.id for p in control.parts] == ["xa-2_smt", "xa-2_extra", None]
    assert control.prop("priority") == "P1"


def test_alter_of_unselected_control_is_a_located_error(mini: Catalog) -> None:
    modify = {"alters": [{"control-id": "xb-1", "removes": [{"by-name": "guidance"}]}]}
    with pytest.raises(OscalError) as caught:
        resolve(mini, profile_doc([{"include-controls": [{"with-ids": ["xa-2"]}]}], None, modify))
    assert caught.value.location == "tailored.json:$.profile.modify.alters[0].control-id"


def test_set_parameter_for_unknown_param_is_a_located_error(mini: Catalog) -> None:
    modify = {"set-parameters": [{"param-id": "nope", "values": ["x"]}]}
    with pytest.raises(OscalError) as caught:
        resolve(mini, profile_doc([{"include-all": {}}], None, modify))
    assert caught.value.location == "tailored.json:$.profile.modify.set-parameters[0].param-id"


def test_profile_can_import_a_profile(mini: Catalog) -> None:
    inner_doc = profile_doc([{"include-controls": [{"with-ids": ["xa-1", "xa-1.1", "xb-1"]}]}], {"as-is": True})
    inner = profile_from_dict(inner_doc, "inner.json")
    outer_doc = profile_doc(
        [{"include-all": {}, "exclude-controls": [{"with-ids": ["xb-1"]}]}],
        {"as-is": True},
        source="inner.json",
        uuid="9c1e4b7a-2f3d-4e5a-8b6c-7d8e9f0a1b2c",
    )
    resolver = resolver_from_files({"mini.json": mini, "inner.json": inner})
    resolved = resolve_profile(profile_from_dict(outer_doc, "outer.json"), resolver)
    assert resolved_ids(resolved) == ["xa-1", "xa-1.1"]


def test_profile_import_cycle_is_a_located_error(mini: Catalog) -> None:
    looping = profile_from_dict(profile_doc([{"include-all": {}}], source="self.json"), "self.json")
    with pytest.raises(OscalError, match="profile import cycle"):
        resolve_profile(looping, resolver_from_files({"self.json": looping}))

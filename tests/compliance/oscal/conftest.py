"""Fixtures: shipped catalogs parsed once per run, NIST's resolved baselines, a small synthetic catalog."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import orjson
import pytest

from tandem.compliance.content.nist import sp800_53
from tandem.compliance.oscal import Catalog, catalog_from_dict

DATA = Path(__file__).parent / "data"


def resolved_oracle(baseline: str) -> dict[str, Any]:
    """Return NIST's own resolved catalog of a baseline (5.1.1+u4, minified) as decoded JSON."""
    raw = (DATA / f"NIST_SP-800-53_rev5_{baseline}-baseline-resolved-profile_catalog-min.json.gz").read_bytes()
    doc: dict[str, Any] = orjson.loads(gzip.decompress(raw))
    return doc


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    """The shipped SP 800-53 5.2.0 catalog, parsed once."""
    return sp800_53()


def mini_catalog_doc() -> dict[str, Any]:
    """Return a small valid catalog: two groups, controls with enhancements, params and parts."""

    def control(cid: str, children: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": cid,
            "title": f"Control {cid}",
            "params": [{"id": f"{cid}_prm_1", "label": "frequency"}],
            "props": [{"name": "label", "value": cid.upper()}],
            "parts": [
                {
                    "id": f"{cid}_smt",
                    "name": "statement",
                    "prose": f"Review {cid} every {{{{ insert: param, {cid}_prm_1 }}}}.",
                },
                {"id": f"{cid}_gdn", "name": "guidance", "prose": "Why it matters."},
            ],
        }
        if children:
            body["controls"] = children
        return body

    return {
        "catalog": {
            "uuid": "0b7a8a50-3f2b-4f43-9d0c-1c2d3e4f5a6b",
            "metadata": {
                "title": "Mini",
                "last-modified": "2025-01-01T00:00:00Z",
                "version": "1",
                "oscal-version": "1.2.3",
            },
            "groups": [
                {
                    "id": "xa",
                    "title": "Group A",
                    "controls": [control("xa-1", [control("xa-1.1"), control("xa-1.2")]), control("xa-2")],
                },
                {"id": "xb", "title": "Group B", "controls": [control("xb-1", [control("xb-1.1")])]},
            ],
        }
    }


@pytest.fixture
def mini() -> Catalog:
    """The small synthetic catalog as dataclasses."""
    return catalog_from_dict(mini_catalog_doc(), "mini.json")

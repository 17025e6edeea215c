"""Read the framework files shipped in this package, gunzipping `.gz` copies transparently."""

from __future__ import annotations

import gzip
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable

# Shipped JSON/XML/xlsx are stored gzipped: 10 MB of 800-53 becomes 0.7 MB, and the package-data glob
# in pyproject.toml already includes "*.gz" while it lists neither "*.xml" nor "*.xlsx".
_ROOT = "tandem.compliance.content"

SP800_53_CATALOG = "nist-sp800-53-rev5/NIST_SP-800-53_rev5_catalog.json"
CSF_CATALOG = "nist-csf-2.0/NIST_CSF_v2.0_catalog.xml"
CSF_WORKBOOK = "nist-csf-2.0/csf2.xlsx"
CSF_TO_800_53 = "mappings/Cybersecurity_Framework_v2-0_Concept_Crosswalk_800-53_5_2_0_draft.xlsx"
GDPR_CONSOLIDATED = "eu-gdpr/gdpr-consolidated-en.xml"
BASELINES = ("LOW", "MODERATE", "HIGH", "PRIVACY")


def baseline_profile(name: str) -> str:
    """Return the data path of an SP 800-53B baseline profile (LOW, MODERATE, HIGH, PRIVACY)."""
    if name.upper() not in BASELINES:
        raise ValueError(f"unknown baseline {name!r}; expected one of {', '.join(BASELINES)}")
    return f"nist-sp800-53-rev5/NIST_SP-800-53_rev5_{name.upper()}-baseline_profile.json"


def schema_path(model: str) -> str:
    """Return the data path of the shipped OSCAL 1.2.3 JSON schema for a model name."""
    return f"oscal-schemas-1.2.3/oscal_{model}_schema.json"


def _locate(name: str) -> Traversable:
    base = files(_ROOT).joinpath("data")
    plain = base.joinpath(name)
    if plain.is_file():
        return plain
    packed = base.joinpath(name + ".gz")
    if packed.is_file():
        return packed
    raise FileNotFoundError(f"shipped content file not found: {name}")


def read_data(name: str) -> bytes:
    """Return the bytes of a shipped content file, decompressing its `.gz` copy if that is what ships."""
    found = _locate(name)
    raw = found.read_bytes()
    return gzip.decompress(raw) if found.name.endswith(".gz") else raw


@cache
def read_data_cached(name: str) -> bytes:
    """Return read_data(name), kept for the process: shipped files never change at run time."""
    return read_data(name)

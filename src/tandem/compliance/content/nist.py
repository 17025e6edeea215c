"""Load the shipped NIST SP 800-53 rev5 catalog and resolve its SP 800-53B baselines."""

from __future__ import annotations

from functools import cache

from tandem.compliance.oscal.catalog import parse_catalog
from tandem.compliance.oscal.model import Catalog
from tandem.compliance.oscal.profile import Profile, parse_profile
from tandem.compliance.oscal.resolve import Source, resolve_profile

from .files import SP800_53_CATALOG, baseline_profile, read_data

CATALOG_FILE = SP800_53_CATALOG.rsplit("/", 1)[-1]


def load_sp800_53() -> Catalog:
    """Parse the shipped SP 800-53 Release 5.2.0 catalog (a fresh object on every call)."""
    return parse_catalog(read_data(SP800_53_CATALOG), CATALOG_FILE)


@cache
def sp800_53() -> Catalog:
    """Return the shipped SP 800-53 catalog, parsed once per process; treat it as read-only."""
    return load_sp800_53()


def load_baseline(name: str) -> Profile:
    """Parse a shipped SP 800-53B baseline profile: LOW, MODERATE, HIGH or PRIVACY."""
    path = baseline_profile(name)
    return parse_profile(read_data(path), path.rsplit("/", 1)[-1])


def shipped_resolver(href: str) -> Source:
    """Map an import href (NIST's repository-relative rlink) to the shipped 800-53 catalog."""
    # NIST's baselines import `../../../../nist.gov/SP800-53/rev5/json/NIST_SP-800-53_rev5_catalog.json`,
    # a path inside the oscal-content repository; the file name is the stable part.
    if href.rsplit("/", 1)[-1] == CATALOG_FILE:
        return sp800_53()
    raise KeyError(f"no shipped catalog for {href}")


def resolve_baseline(name: str) -> Catalog:
    """Resolve a shipped SP 800-53B baseline against the shipped 800-53 catalog."""
    return resolve_profile(load_baseline(name), shipped_resolver)

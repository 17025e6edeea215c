"""Load the content Tandem ships (800-53 + baselines, CSF 2.0, HIPAA, GDPR, ISO ids, the CSF↔800-53 crosswalk)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from tandem.compliance.content import crosswalk, csf, gdpr, hipaa, iso27001, nist
from tandem.compliance.content.files import BASELINES
from tandem.compliance.frameworks import repository as repo
from tandem.compliance.frameworks.convert import FrameworkDraft, from_catalog, from_csf, from_gdpr, from_hipaa, from_iso
from tandem.compliance.frameworks.service import store_draft
from tandem.compliance.models import Framework
from tandem.platform.auth.principal import Principal
from tandem.platform.safety.gcpause import gc_paused

SP800_53 = ("nist-sp800-53", "5.2.0")


def _sp800_53() -> FrameworkDraft:
    draft = from_catalog(nist.sp800_53(), SP800_53[0], "NIST SP 800-53 Rev. 5")
    draft.source = "NIST SP 800-53 Release 5.2.0 (OSCAL), public domain"
    return draft


def _baseline(name: str) -> FrameworkDraft:
    draft = from_catalog(nist.resolve_baseline(name), f"nist-sp800-53-{name.lower()}", resolved=True)
    draft.name = f"NIST SP 800-53 Rev. 5 {name.upper()} baseline"
    draft.version = SP800_53[1]
    draft.base_key, draft.base_version = SP800_53
    draft.source = "NIST SP 800-53B profile resolved against 5.2.0"
    return draft


SHIPPED: dict[str, Callable[[], FrameworkDraft]] = {
    "nist-sp800-53": _sp800_53,
    **{f"nist-sp800-53-{b.lower()}": (lambda b=b: _baseline(b)) for b in BASELINES},  # type: ignore[misc]
    "nist-csf": lambda: from_csf(csf.load_csf()),
    "hipaa-security-rule": lambda: from_hipaa(hipaa.security_rule(), hipaa.VERSION),
    "eu-gdpr": lambda: from_gdpr(gdpr.load_gdpr()),
    "iso27001-annex-a": lambda: from_iso(iso27001.annex_a(), iso27001.VERSION),
}


def ensure_shipped(session: Session, principal: Principal | None, key: str) -> Framework:
    """Add a shipped framework to the library unless a version of it is already there; return it."""
    # Parsing 800-53 and building its draft and rows makes tens of thousands of acyclic objects; a collector
    # pass over a large heap in the middle of that cost as much as the insert itself, so pause it throughout.
    with gc_paused():
        existing = repo.FrameworkRepository(session).versions(key)
        if existing:
            return existing[-1]
        if key.startswith("nist-sp800-53-"):
            ensure_shipped(session, principal, SP800_53[0])
        return store_draft(session, principal, SHIPPED[key](), f"shipped:{key}")


def load_library(session: Session, principal: Principal | None, keys: list[str] | None = None) -> list[Framework]:
    """Ensure every shipped framework (or the named ones) is in the library, then the CSF↔800-53 mappings."""
    frameworks = [ensure_shipped(session, principal, key) for key in (keys or list(SHIPPED))]
    if keys is None:
        ensure_crosswalk(session, principal)
    return frameworks


def ensure_crosswalk(session: Session, principal: Principal | None) -> int:
    """Import NIST's CSF 2.0 → 800-53 crosswalk once; return how many mappings were added."""
    from tandem.compliance.frameworks.mappings import import_records

    source = ensure_shipped(session, principal, "nist-csf")
    target = ensure_shipped(session, principal, SP800_53[0])
    return import_records(session, principal, crosswalk.load_csf_to_800_53(), source.id, target.id, "shipped:crosswalk")

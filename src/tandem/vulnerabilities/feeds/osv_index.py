"""Package path: OSV advisories indexed by (ecosystem family, normalised name), evaluated per item version."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from .inventory import DISTRO_FAMILIES, PackageRef
from .osv import OsvAdvisory, OsvAffected, affected_reason, ecosystem_family, normalise_package


@dataclass(frozen=True, slots=True)
class PackageHit:
    """An advisory affecting a package version, with the range or list entry that says so."""

    advisory: OsvAdvisory
    affected: OsvAffected
    reason: str


def _release(ecosystem: str) -> str | None:
    _, _, release = ecosystem.partition(":")
    return release.strip() or None


class OsvIndex:
    """OSV affected entries keyed by (family, name); withdrawn advisories are left out."""

    def __init__(self, advisories: Iterable[OsvAdvisory]) -> None:
        self.by_key: dict[tuple[str, str], list[tuple[OsvAdvisory, OsvAffected]]] = defaultdict(list)
        for adv in advisories:
            if adv.withdrawn:
                continue
            for aff in adv.affected:
                family = ecosystem_family(aff.ecosystem)
                self.by_key[(family, normalise_package(family, aff.name))].append((adv, aff))

    def _entries(self, ref: PackageRef) -> list[tuple[OsvAdvisory, OsvAffected]]:
        entries = self.by_key.get((ref.family, ref.name), [])
        if ref.release is None:
            return entries
        # Distro advisories are per release (`Debian:12`); an unreleased-suffix ecosystem applies to all.
        return [(a, f) for a, f in entries if _release(f.ecosystem) in (None, ref.release)]

    def hits(self, ref: PackageRef) -> list[PackageHit]:
        """Return every advisory whose ranges or versions list include the package version."""
        out = []
        for adv, aff in self._entries(ref):
            reason = affected_reason(aff, ref.version)
            if reason is not None:
                out.append(PackageHit(adv, aff, reason))
        return out

    def distro_verdict(self, ref: PackageRef, cve_id: str) -> tuple[bool, str] | None:
        """Say whether distro data covers `cve_id` for this package: (affected, advisory id), or None if silent."""
        if ref.family not in DISTRO_FAMILIES:
            return None
        for adv, aff in self._entries(ref):
            if cve_id in adv.cve_ids:
                return affected_reason(aff, ref.version) is not None, adv.id
        return None

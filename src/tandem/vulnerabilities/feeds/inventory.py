"""Inventory software items and their normalisation into CPE targets and package coordinates."""

from __future__ import annotations

from dataclasses import dataclass

from packageurl import PackageURL

from .aliases import AliasTable
from .cpe import ANY, NA, Cpe, CpeError, parse_cpe
from .osv import normalise_package
from .versions import split_banner

# purl type → OSV ecosystem family; deb/rpm pick the distribution from the namespace.
_PURL_ECOSYSTEMS = {
    "pypi": "pypi",
    "golang": "go",
    "cargo": "crates.io",
    "npm": "npm",
    "maven": "maven",
    "nuget": "nuget",
    "composer": "packagist",
    "gem": "rubygems",
    "apk": "alpine",
}
_RPM_DISTROS = {
    "redhat": "red hat",
    "rocky": "rocky linux",
    "almalinux": "almalinux",
    "opensuse": "opensuse",
    "suse": "suse",
}
DISTRO_FAMILIES = frozenset({"debian", "ubuntu", "alpine", *_RPM_DISTROS.values()})


@dataclass(frozen=True, slots=True)
class InventoryItem:
    """One piece of software on one asset, as an agent, SBOM, scan or person reported it."""

    asset_id: str
    software_id: str
    name: str = ""
    version: str = ""
    cpe: str | None = None
    purl: str | None = None
    source: str = "manual"
    confidence: float = 1.0


@dataclass(frozen=True, slots=True)
class CpeTarget:
    """An item's CPE after normalisation, with the version string used for range comparison.

    Items with the same CPE and version normalise to equal targets: matching runs once per distinct target.
    """

    cpe: Cpe
    range_version: str
    distro: str | None
    steps: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PackageRef:
    """An item's package coordinates for the OSV path."""

    index: int
    family: str
    release: str | None
    name: str
    version: str


def cpe_target(item: InventoryItem, aliases: AliasTable) -> CpeTarget | None:
    """Normalise an item's CPE (2.2 URI or 2.3), or None when it has none or no usable version."""
    if not item.cpe:
        return None
    try:
        raw = parse_cpe(item.cpe)
    except CpeError:
        return None
    steps: list[str] = []
    vendor, product = aliases.canonical(raw.vendor, raw.product)
    if (vendor, product) != (raw.vendor, raw.product):
        steps.append(f"alias {raw.vendor}:{raw.product} → {vendor}:{product}")
    values = list(raw.values())
    values[1:3] = vendor, product
    if raw.version == NA:
        # NA is a real value (hardware, versionless products) and matches only NA criteria.
        return CpeTarget(Cpe(*values), NA, None, tuple(steps))
    version_text = raw.version if raw.version != ANY else item.version
    if not version_text:
        # Without a version no range can be evaluated; matching "every version" would only add noise.
        return None
    banner = split_banner(vendor, product, version_text)
    steps.extend(banner.steps)
    distro = banner.distro
    if not distro and item.version and item.version != version_text:
        # nmap puts the distro build in the service version (`9.2p1 Debian 2+deb12u10`), not in the CPE.
        distro = split_banner(vendor, product, item.version).distro
        if distro:
            steps.append(f"distro build {distro!r}: backported fixes are invisible to NVD ranges")
    values[3] = banner.version
    if banner.update is not None and raw.update in (ANY, NA):
        values[4] = banner.update
    cpe = Cpe(*values)
    update = banner.update or (cpe.update if cpe.update not in (ANY, NA) else "")
    range_version = (
        banner.version + update if update[:1].isalpha() else ".".join(p for p in (banner.version, update) if p)
    )
    return CpeTarget(cpe, range_version, distro, tuple(steps))


def package_ref(index: int, item: InventoryItem) -> PackageRef | None:
    """Read an item's purl into OSV coordinates, or None when it has none or an unknown type."""
    if not item.purl:
        return None
    try:
        purl = PackageURL.from_string(item.purl)
    except ValueError:
        return None
    version = purl.version or item.version
    if not version:
        return None
    release = None
    if purl.type == "deb":
        family = "ubuntu" if (purl.namespace or "").lower() == "ubuntu" else "debian"
        distro = (purl.qualifiers or {}).get("distro", "")
        release = distro.rsplit("-", 1)[-1] if "-" in distro else (distro or None)
    elif purl.type == "rpm":
        family = _RPM_DISTROS.get((purl.namespace or "").lower(), "red hat")
    elif purl.type in _PURL_ECOSYSTEMS:
        family = _PURL_ECOSYSTEMS[purl.type]
    else:
        return None
    name = purl.name
    if purl.namespace and family == "go":
        name = f"{purl.namespace}/{purl.name}"
    elif purl.namespace and family == "maven":
        name = f"{purl.namespace}:{purl.name}"
    elif purl.namespace and family == "npm":
        name = f"{purl.namespace}/{purl.name}"
    return PackageRef(index, family, release, normalise_package(family, name), version)

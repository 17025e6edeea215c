"""OSV advisories (schema 1.x) → dataclasses, and affected-range evaluation with each ecosystem's own ordering."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from univers import versions as uv

from .errors import FeedError, expect, load_json, pointer, text

# OSV ecosystem (the part before ':', e.g. `Debian:12`) → univers version class.
_ECOSYSTEM_VERSIONS: dict[str, type[uv.Version]] = {
    "pypi": uv.PypiVersion,
    "go": uv.GolangVersion,
    "crates.io": uv.SemverVersion,
    "npm": uv.SemverVersion,
    "maven": uv.MavenVersion,
    "nuget": uv.NugetVersion,
    "packagist": uv.ComposerVersion,
    "rubygems": uv.RubygemsVersion,
    "debian": uv.DebianVersion,
    "ubuntu": uv.DebianVersion,
    "alpine": uv.AlpineLinuxVersion,
    "red hat": uv.RpmVersion,
    "rocky linux": uv.RpmVersion,
    "almalinux": uv.RpmVersion,
    "opensuse": uv.RpmVersion,
    "suse": uv.RpmVersion,
    "mageia": uv.RpmVersion,
}


@dataclass(frozen=True, slots=True)
class OsvEvent:
    """One range event: exactly one of introduced / fixed / last_affected / limit."""

    kind: str
    version: str


@dataclass(frozen=True, slots=True)
class OsvRange:
    """An affected range; GIT ranges (commit hashes) are kept but never evaluated."""

    type: str
    events: tuple[OsvEvent, ...]
    repo: str | None = None


@dataclass(frozen=True, slots=True)
class OsvAffected:
    """One affected package with its ranges and explicit version list."""

    ecosystem: str
    name: str
    purl: str | None
    ranges: tuple[OsvRange, ...]
    versions: frozenset[str]


@dataclass(frozen=True, slots=True)
class OsvAdvisory:
    """An OSV advisory; `cve_ids` gathers the id and aliases that are CVE ids, for KEV/EPSS joins."""

    id: str
    modified: str
    aliases: tuple[str, ...]
    summary: str
    severity: tuple[tuple[str, str], ...]
    affected: tuple[OsvAffected, ...]
    withdrawn: str | None = None

    @property
    def cve_ids(self) -> tuple[str, ...]:
        """Return the CVE ids among the id, aliases and upstream ids."""
        return tuple(a for a in (self.id, *self.aliases) if a.startswith("CVE-"))


def ecosystem_family(ecosystem: str) -> str:
    """Return the lower-cased ecosystem without its release suffix (`Debian:12` → `debian`)."""
    return ecosystem.split(":", 1)[0].strip().lower()


def normalise_package(ecosystem: str, name: str) -> str:
    """Normalise a package name the way its ecosystem compares names (PEP 503 for PyPI)."""
    family = ecosystem_family(ecosystem)
    if family == "pypi":
        return "-".join(name.lower().replace("_", "-").replace(".", "-").split("-"))
    if family in ("crates.io", "npm", "go", "maven"):
        return name.lower() if family == "npm" else name
    return name.lower()


def _range(raw: dict[str, Any], where: str) -> OsvRange:
    events = []
    for i, ev in enumerate(expect(raw.get("events", []), list, where + "/events")):
        pairs = [
            (k, v)
            for k, v in expect(ev, dict, f"{where}/events/{i}").items()
            if k in ("introduced", "fixed", "last_affected", "limit")
        ]
        if len(pairs) != 1:
            raise FeedError("an event needs exactly one of introduced/fixed/last_affected/limit", f"{where}/events/{i}")
        events.append(OsvEvent(pairs[0][0], str(pairs[0][1])))
    return OsvRange(text(raw, "type", where).upper(), tuple(events), raw.get("repo"))


def _affected(raw: dict[str, Any], where: str) -> OsvAffected:
    package = expect(raw.get("package", {}), dict, where + "/package")
    ranges = tuple(_range(r, f"{where}/ranges/{i}") for i, r in enumerate(raw.get("ranges") or []))
    return OsvAffected(
        ecosystem=text(package, "ecosystem", where + "/package"),
        name=text(package, "name", where + "/package"),
        purl=package.get("purl"),
        ranges=ranges,
        versions=frozenset(str(v) for v in raw.get("versions") or ()),
    )


def parse_osv_record(raw: Any, where: str) -> OsvAdvisory:
    """Build an OsvAdvisory from one decoded OSV object."""
    doc = expect(raw, dict, where)
    return OsvAdvisory(
        id=text(doc, "id", where),
        modified=text(doc, "modified", where),
        aliases=tuple(str(a) for a in doc.get("aliases") or ()) + tuple(str(a) for a in doc.get("upstream") or ()),
        summary=str(doc.get("summary") or doc.get("details", "")[:200]),
        severity=tuple((str(s.get("type", "")), str(s.get("score", ""))) for s in doc.get("severity") or ()),
        affected=tuple(
            _affected(expect(a, dict, f"{where}/affected/{i}"), f"{where}/affected/{i}")
            for i, a in enumerate(doc.get("affected") or ())
        ),
        withdrawn=doc.get("withdrawn"),
    )


def parse_osv(data: bytes | str, name: str) -> list[OsvAdvisory]:
    """Parse one OSV JSON file (an advisory object or a list of them)."""
    doc = load_json(data, name)
    if isinstance(doc, list):
        return [parse_osv_record(d, pointer(name, i)) for i, d in enumerate(doc)]
    return [parse_osv_record(doc, f"{name}#")]


@lru_cache(maxsize=200_000)
def ecosystem_version(family: str, version: str) -> uv.Version | None:
    """Parse a version with its ecosystem's rules, or None when unknown ecosystem or unparsable."""
    cls = _ECOSYSTEM_VERSIONS.get(family)
    if cls is None:
        return None
    try:
        return cls(version.removeprefix("v") if family == "go" else version)
    except Exception:  # univers raises assorted exception types for bad strings
        return None


def _order(pair: tuple[OsvEvent, uv.Version | None]) -> tuple[int, Any]:
    # "0" (from the beginning) sorts before every real version.
    return (0, 0) if pair[1] is None else (1, pair[1])


def _closes(kind: str, version: uv.Version, bound: uv.Version | None) -> bool:
    if bound is None:
        return False
    return (kind == "fixed" and version >= bound) or (kind == "last_affected" and version > bound)


def _in_events(family: str, version: uv.Version, events: tuple[OsvEvent, ...]) -> tuple[bool, str]:
    affected, reason = False, ""
    parsed = [(e, None if e.version == "0" else ecosystem_version(family, e.version)) for e in events]
    if any(p is None and e.version != "0" for e, p in parsed):
        return False, "unparsable bound"
    # OSV evaluation: walk events in version order; introduced opens, fixed/last_affected close.
    for event, bound in sorted(parsed, key=_order):
        if event.kind == "introduced" and (bound is None or version >= bound):
            affected, reason = True, f">={event.version}"
        elif _closes(event.kind, version, bound):
            affected = False
        elif event.kind in ("fixed", "last_affected") and affected:
            reason += f", <{event.version}" if event.kind == "fixed" else f", <={event.version}"
    return affected, reason


def affected_reason(affected: OsvAffected, version: str) -> str | None:
    """Return why `version` is affected (versions list or range text), or None when it is not."""
    if version in affected.versions:
        return f"listed in versions[] of {affected.name}"
    family = ecosystem_family(affected.ecosystem)
    parsed = ecosystem_version(family, version)
    if parsed is None:
        return None
    for rng in affected.ranges:
        if rng.type == "GIT":
            continue  # commit ranges need a repository walk
        hit, reason = _in_events(family, parsed, rng.events)
        if hit:
            return f"{rng.type} range {reason}"
    return None

"""NVD CVE JSON 2.0 records (API pages, yearly feeds, fkie per-CVE files) → plain dataclasses.

Validation is lenient on purpose: the published schema lags the data (`cveTags`, `ssvcV203`), so unknown keys
are ignored and only the fields matching depends on are required.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .cpe import Cpe, CpeError, parse_fs
from .errors import FeedError, expect, load_json, pointer, text

_METRIC_KEYS = (("cvssMetricV40", "4.0"), ("cvssMetricV31", "3.1"), ("cvssMetricV30", "3.0"), ("cvssMetricV2", "2.0"))
_BOUNDS = ("versionStartIncluding", "versionStartExcluding", "versionEndIncluding", "versionEndExcluding")


@dataclass(frozen=True, slots=True)
class CvssMetric:
    """One CVSS score as NVD lists it (Primary = NVD's own, Secondary = the CNA's)."""

    version: str
    source: str
    type: str
    vector: str
    base_score: float
    base_severity: str | None


@dataclass(frozen=True, slots=True)
class CpeCriterion:
    """One cpeMatch entry: a CPE pattern, optional version bounds and whether it names the vulnerable part."""

    criteria: str
    cpe: Cpe
    vulnerable: bool
    match_id: str | None = None
    start_including: str | None = None
    start_excluding: str | None = None
    end_including: str | None = None
    end_excluding: str | None = None

    @property
    def has_range(self) -> bool:
        """Tell whether any version bound is set."""
        return any((self.start_including, self.start_excluding, self.end_including, self.end_excluding))

    def describe_range(self) -> str:
        """Render the bounds as `>=8.6, <9.8` (empty when unbounded)."""
        parts = [
            f">={self.start_including}" if self.start_including else "",
            f">{self.start_excluding}" if self.start_excluding else "",
            f"<={self.end_including}" if self.end_including else "",
            f"<{self.end_excluding}" if self.end_excluding else "",
        ]
        return ", ".join(p for p in parts if p)


@dataclass(frozen=True, slots=True)
class Node:
    """A configuration node: criteria combined by AND or OR, optionally negated."""

    operator: str
    negate: bool
    criteria: tuple[CpeCriterion, ...]


@dataclass(frozen=True, slots=True)
class Configuration:
    """A configuration: nodes combined by AND (app running on platform) or OR."""

    operator: str
    negate: bool
    nodes: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class CveRecord:
    """One NVD CVE record with what matching and prioritisation need."""

    id: str
    status: str
    published: str | None
    last_modified: str | None
    description: str
    metrics: tuple[CvssMetric, ...] = ()
    cwes: tuple[str, ...] = ()
    configurations: tuple[Configuration, ...] = ()
    tags: tuple[str, ...] = ()
    kev_added: str | None = None
    kev_due: str | None = None
    references: tuple[str, ...] = field(default=(), repr=False)

    @property
    def rejected(self) -> bool:
        """Tell whether NVD rejected the CVE (never match it)."""
        return self.status == "Rejected"

    def best_cvss(self) -> CvssMetric | None:
        """Return the newest CVSS version available, preferring NVD's Primary score within a version."""
        for _, version in _METRIC_KEYS:
            same = [m for m in self.metrics if m.version == version]
            if same:
                return next((m for m in same if m.type == "Primary"), same[0])
        return None


def _metrics(raw: dict[str, Any], where: str) -> tuple[CvssMetric, ...]:
    out = []
    for key, version in _METRIC_KEYS:
        for i, entry in enumerate(expect(raw.get(key, []), list, pointer(where, key))):
            data = expect(entry.get("cvssData", {}), dict, pointer(where, key, i, "cvssData"))
            severity = data.get("baseSeverity") or entry.get("baseSeverity")
            score = data.get("baseScore")
            if score is None:
                raise FeedError("CVSS metric without baseScore", pointer(where, key, i, "cvssData"))
            out.append(
                CvssMetric(
                    version,
                    str(entry.get("source", "")),
                    str(entry.get("type", "")),
                    str(data.get("vectorString", "")),
                    float(score),
                    severity,
                )
            )
    return tuple(out)


def _cwes(raw: list[Any]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for weakness in raw:
        for desc in weakness.get("description", []):
            value = desc.get("value", "")
            if value.startswith("CWE-"):
                seen[value] = None
    return tuple(seen)


def _criterion(raw: dict[str, Any], where: str) -> CpeCriterion:
    criteria = text(raw, "criteria", where)
    try:
        cpe = parse_fs(criteria)
    except CpeError as exc:
        raise FeedError(str(exc), pointer(where, "criteria")) from exc
    bounds = {b: (str(raw[b]) if raw.get(b) not in (None, "") else None) for b in _BOUNDS}
    return CpeCriterion(
        criteria,
        cpe,
        bool(raw.get("vulnerable", False)),
        raw.get("matchCriteriaId"),
        bounds["versionStartIncluding"],
        bounds["versionStartExcluding"],
        bounds["versionEndIncluding"],
        bounds["versionEndExcluding"],
    )


def _configurations(raw: list[Any], where: str) -> tuple[Configuration, ...]:
    configs = []
    for ci, conf in enumerate(raw):
        cwhere = pointer(where, ci)
        nodes = []
        for ni, node in enumerate(expect(conf.get("nodes", []), list, cwhere + "/nodes")):
            nwhere = f"{cwhere}/nodes/{ni}"
            matches = expect(node.get("cpeMatch", []), list, nwhere + "/cpeMatch")
            crit = tuple(_criterion(m, f"{nwhere}/cpeMatch/{mi}") for mi, m in enumerate(matches))
            nodes.append(Node(str(node.get("operator", "OR")).upper(), bool(node.get("negate", False)), crit))
        configs.append(
            Configuration(str(conf.get("operator", "OR")).upper(), bool(conf.get("negate", False)), tuple(nodes))
        )
    return tuple(configs)


def parse_cve(raw: Any, where: str) -> CveRecord:
    """Build a CveRecord from one `cve` object; `where` locates it for errors."""
    cve = expect(raw, dict, where)
    cve_id = text(cve, "id", where)
    descriptions = cve.get("descriptions", [])
    description = next((d.get("value", "") for d in descriptions if d.get("lang") == "en"), "")
    return CveRecord(
        id=cve_id,
        status=str(cve.get("vulnStatus", "")),
        published=cve.get("published"),
        last_modified=cve.get("lastModified"),
        description=description,
        metrics=_metrics(expect(cve.get("metrics", {}), dict, where + "/metrics"), where + "/metrics"),
        cwes=_cwes(expect(cve.get("weaknesses", []), list, where + "/weaknesses")),
        configurations=_configurations(
            expect(cve.get("configurations", []), list, where + "/configurations"), where + "/configurations"
        ),
        tags=tuple(t for entry in cve.get("cveTags", []) for t in entry.get("tags", [])),
        kev_added=cve.get("cisaExploitAdd"),
        kev_due=cve.get("cisaActionDue"),
        references=tuple(r.get("url", "") for r in cve.get("references", [])),
    )


def parse_nvd(data: bytes | str, name: str) -> list[CveRecord]:
    """Parse an NVD 2.0 API page or yearly feed (`vulnerabilities[].cve`) or one bare `cve` object."""
    doc = expect(load_json(data, name), dict, name)
    if "vulnerabilities" in doc:
        items = expect(doc["vulnerabilities"], list, pointer(name, "vulnerabilities"))
        return [
            parse_cve(
                expect(v, dict, pointer(name, "vulnerabilities", i)).get("cve"),
                pointer(name, "vulnerabilities", i, "cve"),
            )
            for i, v in enumerate(items)
        ]
    if "id" in doc and ("configurations" in doc or "descriptions" in doc):
        return [parse_cve(doc, f"{name}#")]
    if "CVE_Items" in doc:
        raise FeedError("legacy NVD JSON 1.1 feed (retired 2023) is not supported; use the 2.0 feeds", name)
    raise FeedError("not an NVD CVE 2.0 document (no 'vulnerabilities' or bare 'cve')", name)

"""Greenbone / OpenVAS report XML (GMP `get_reports`, XML format) → plain dataclasses."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

from tandem.platform.safety.errors import InvalidXML
from tandem.platform.safety.xml import MAX_XML_BYTES, parse_xml


@dataclass(frozen=True, slots=True)
class GvmSeverity:
    """One severity entry of an NVT (e.g. `cvss_base_v3` with its vector)."""

    type: str
    score: float | None
    vector: str | None
    origin: str | None


@dataclass(frozen=True, slots=True)
class GvmResult:
    """One finding; import key `(host or asset_id, port, nvt_oid)`, `qod` is the detection confidence."""

    id: str
    name: str
    host: str
    asset_id: str | None
    hostname: str | None
    port: str
    nvt_oid: str
    nvt_name: str
    family: str | None
    cvss_base: float | None
    severity: float | None
    threat: str
    qod: int | None
    cves: tuple[str, ...]
    severities: tuple[GvmSeverity, ...]
    solution_type: str | None
    tags: dict[str, str]
    description: str
    epss_max_score: float | None = None
    epss_max_percentile: float | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        """Return the stable deduplication key (never free text)."""
        return (self.asset_id or self.host, self.port, self.nvt_oid)


@dataclass(frozen=True, slots=True)
class GvmReport:
    """A report: its id, GMP version, scan times and results."""

    id: str
    gmp_version: str | None
    scan_start: str | None
    scan_end: str | None
    results: tuple[GvmResult, ...]


def _float(text: str | None) -> float | None:
    try:
        return float(text) if text not in (None, "") else None
    except ValueError:
        return None


def _text(el: ET.Element, path: str) -> str | None:
    found = el.find(path)
    return found.text.strip() if found is not None and found.text is not None else None


def _tags(raw: str | None) -> dict[str, str]:
    tags = {}
    for part in (raw or "").split("|"):
        key, sep, value = part.partition("=")
        if sep:
            tags[key.strip()] = value.strip()
    return tags


def _severities(nvt: ET.Element) -> tuple[GvmSeverity, ...]:
    return tuple(
        GvmSeverity(s.get("type", ""), _float(_text(s, "score")), _text(s, "value"), _text(s, "origin"))
        for s in nvt.findall("severities/severity")
    )


def _result(el: ET.Element, name: str) -> GvmResult:
    nvt = el.find("nvt")
    if nvt is None or not nvt.get("oid"):
        raise InvalidXML(f"result {el.get('id')!r} has no nvt@oid", name)
    host = el.find("host")
    asset = host.find("asset") if host is not None else None
    solution = nvt.find("solution")
    qod = _float(_text(el, "qod/value"))
    return GvmResult(
        id=el.get("id", ""),
        name=_text(el, "name") or "",
        host=(host.text or "").strip() if host is not None else "",
        asset_id=asset.get("asset_id") if asset is not None else None,
        hostname=_text(host, "hostname") if host is not None else None,
        port=_text(el, "port") or "",
        nvt_oid=nvt.get("oid", ""),
        nvt_name=_text(nvt, "name") or "",
        family=_text(nvt, "family"),
        cvss_base=_float(_text(nvt, "cvss_base")),
        severity=_float(_text(el, "severity")),
        threat=_text(el, "threat") or "",
        qod=int(qod) if qod is not None else None,
        cves=tuple(dict.fromkeys(r.get("id", "") for r in nvt.findall("refs/ref") if r.get("type") == "cve")),
        severities=_severities(nvt),
        solution_type=solution.get("type") if solution is not None else None,
        tags=_tags(_text(nvt, "tags")),
        description=_text(el, "description") or "",
        epss_max_score=_float(_text(nvt, "epss/max_epss/score")),
        epss_max_percentile=_float(_text(nvt, "epss/max_epss/percentile")),
    )


def parse_greenbone(data: bytes, name: str, max_bytes: int = MAX_XML_BYTES) -> GvmReport:
    """Parse a Greenbone report; accepts the outer `<report>` wrapper or the inner report alone."""
    root = parse_xml(data, name, max_bytes)
    if root.tag == "get_reports_response":
        wrapped = root.find("report")
        root = wrapped if wrapped is not None else root
    if root.tag != "report":
        raise InvalidXML(f"not a Greenbone report (root element <{root.tag}>)", name)
    inner = root.find("report")
    body = inner if inner is not None else root
    return GvmReport(
        id=root.get("id", ""),
        gmp_version=_text(body, "gmp/version"),
        scan_start=_text(body, "scan_start"),
        scan_end=_text(body, "scan_end"),
        results=tuple(_result(r, name) for r in body.findall("results/result")),
    )

"""Feed ingestion: parse NVD/KEV/EPSS/OSV files with the pure parsers and store what matching and display need."""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from tandem.platform.audit.writer import record_event
from tandem.platform.config import get_settings
from tandem.platform.db.types import utcnow
from tandem.platform.errors import Conflict, InvalidInput
from tandem.platform.safety.archives import gunzip_limited
from tandem.platform.safety.urls import fetch
from tandem.vulnerabilities import feeds, history
from tandem.vulnerabilities import repository as repo
from tandem.vulnerabilities.models import Advisory, EpssScore, FeedImport, KevEntry
from tandem.vulnerabilities.settings import get_vulnerability_settings

KINDS = ("nvd", "kev", "epss", "osv")
_MODELS: dict[str, tuple[Any, str, tuple[str, ...]]] = {
    # kind: (model, key column, columns whose change makes a row "changed")
    "nvd": (Advisory, "id", ("modified", "status")),
    "osv": (Advisory, "id", ("modified", "status")),
    "kev": (KevEntry, "cve_id", ("date_added", "due_date", "ransomware")),
    "epss": (EpssScore, "cve_id", ("score", "percentile", "model_version")),
}
Progress = Callable[[int, int, str], None]


@dataclass
class ParsedFeed:
    """A parsed feed file as rows ready to store."""

    kind: str
    version: str
    rows: list[dict[str, Any]]


def check_kind(kind: str) -> str:
    """Return kind if it is a known feed kind, else raise a located error."""
    if kind not in KINDS:
        raise InvalidInput.one("kind", f"unknown feed kind {kind!r}; one of {', '.join(KINDS)}")
    return kind


# Markers near the start of each feed format, checked in this order (KEV JSON also has a `vulnerabilities` list).
_SNIFF = (
    ("kev", (b'"catalogVersion"', b'"cveID"', b"cveID,vendorProject")),
    ("epss", (b"#model_version", b"cve,epss,percentile")),
    ("nvd", (b'"NVD_CVE"', b'"CVE_Items"', b'"sourceIdentifier"', b'"vulnStatus"')),
    ("osv", (b'"schema_version"', b'"affected"')),
)
SNIFF_BYTES = 64 * 1024


def detect_kind(data: bytes, name: str) -> str:
    """Tell the feed kind of a file from its first bytes (gzip looked into), or raise a located error."""
    head = data[:SNIFF_BYTES]
    if head[:2] == b"\x1f\x8b":
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, SNIFF_BYTES)
        except zlib.error as exc:
            raise InvalidInput.one("file", f"{name}: not a valid gzip file ({exc})") from exc
    for kind, markers in _SNIFF:
        if any(m in head for m in markers):
            return kind
    raise InvalidInput.one(
        "kind",
        f"{name}: cannot tell which feed this is (NVD CVE JSON 2.0, KEV JSON/CSV, EPSS CSV or OSV JSON); name the kind",
    )


def _criterion_json(c: feeds.CpeCriterion) -> dict[str, Any]:
    out: dict[str, Any] = {"vulnerable": c.vulnerable, "criteria": c.criteria}
    bounds = {
        "versionStartIncluding": c.start_including, "versionStartExcluding": c.start_excluding,
        "versionEndIncluding": c.end_including, "versionEndExcluding": c.end_excluding,
    }  # fmt: skip
    out.update({k: v for k, v in bounds.items() if v})
    return out


def _configurations_json(record: feeds.CveRecord) -> list[dict[str, Any]]:
    """Write the parsed configurations back in NVD 2.0 shape: compact, and re-parsed by the pure parser."""
    return [
        {
            "operator": cfg.operator,
            "negate": cfg.negate,
            "nodes": [
                {"operator": n.operator, "negate": n.negate, "cpeMatch": [_criterion_json(c) for c in n.criteria]}
                for n in cfg.nodes
            ],
        }
        for cfg in record.configurations
    ]


def _nvd_row(record: feeds.CveRecord) -> dict[str, Any]:
    metric = record.best_cvss()
    return {
        "id": record.id, "source": "nvd", "status": record.status, "description": record.description[:8000],
        "cvss": metric.base_score if metric else None, "cvss_vector": (metric.vector if metric else "")[:200],
        "severity": (metric.base_severity or "") if metric else "", "cwes": list(record.cwes), "aliases": [],
        "published": record.published, "modified": record.last_modified,
        "match_data": {"configurations": _configurations_json(record), "kev_added": record.kev_added,
                       "kev_due": record.kev_due, "cvss_version": metric.version if metric else None},
    }  # fmt: skip


def _osv_row(adv: feeds.OsvAdvisory) -> dict[str, Any]:
    affected = [
        {
            "package": {"ecosystem": a.ecosystem, "name": a.name, **({"purl": a.purl} if a.purl else {})},
            "ranges": [
                {
                    "type": r.type,
                    **({"repo": r.repo} if r.repo else {}),
                    "events": [{e.kind: e.version} for e in r.events],
                }
                for r in a.ranges
            ],
            "versions": sorted(a.versions),
        }
        for a in adv.affected
    ]
    return {
        "id": adv.id, "source": "osv", "status": "Withdrawn" if adv.withdrawn else "",
        "description": adv.summary[:8000],
        "cvss": None, "cvss_vector": next((s for t, s in adv.severity if t.startswith("CVSS")), "")[:200],
        "severity": "", "cwes": [], "aliases": list(adv.aliases), "published": None, "modified": adv.modified,
        "match_data": {"id": adv.id, "modified": adv.modified, "aliases": list(adv.aliases),
                       "withdrawn": adv.withdrawn, "affected": affected},
    }  # fmt: skip


def parse_feed(kind: str, data: bytes, name: str) -> ParsedFeed:
    """Parse a feed file of kind with the pure parsers (gzip accepted) into storable rows."""
    check_kind(kind)
    if data[:2] == b"\x1f\x8b":
        data = gunzip_limited(data, name, get_vulnerability_settings().max_feed_bytes)
    if kind == "nvd":
        records = feeds.parse_nvd(data, name)
        return ParsedFeed(kind, "", [_nvd_row(r) for r in records])
    if kind == "osv":
        return ParsedFeed(kind, "", [_osv_row(a) for a in feeds.parse_osv(data, name)])
    if kind == "kev":
        catalog = feeds.parse_kev_json(data, name) if data.lstrip()[:1] == b"{" else feeds.parse_kev_csv(data, name)
        rows = [
            {"cve_id": e.cve_id, "name": e.name[:300], "vendor_project": e.vendor_project[:200],
             "product": e.product[:200],
             "date_added": e.date_added, "due_date": e.due_date, "ransomware": e.ransomware,
             "required_action": e.required_action}
            for e in catalog.entries.values()
        ]  # fmt: skip
        return ParsedFeed(kind, catalog.version or "", rows)
    snap = feeds.parse_epss_csv(data, name)
    meta = {"score_date": snap.score_date or "", "model_version": snap.model_version or ""}
    rows = [{"cve_id": c, "score": s.score, "percentile": s.percentile, **meta} for c, s in snap.scores.items()]
    return ParsedFeed(kind, f"{snap.model_version or ''} {snap.score_date or ''}".strip(), rows)


def store_rows(session: Session, kind: str, rows: list[dict[str, Any]], now: dt.datetime) -> int:
    """Upsert the rows that are new or changed (stamping changed_at); return how many that were."""
    model, key, columns = _MODELS[kind]
    before = repo.fingerprints(session, model, key, columns, [r[key] for r in rows])
    changed = [{**r, "changed_at": now} for r in rows if before.get(r[key]) != tuple(r[c] for c in columns)]
    if kind == "epss":
        history.note_epss(session, changed, now)
    elif kind == "kev":
        history.note_kev(session, changed, before, now)
    repo.upsert(session, model, changed, (key,))
    return len(changed)


def record_import(session: Session, parsed: ParsedFeed, file_name: str, changed: int, who: str) -> FeedImport:
    """Record a finished import and its audit event."""
    row = FeedImport(kind=parsed.kind, file_name=file_name[:200], version=parsed.version[:100],
                     records=len(parsed.rows), changed=changed, imported_by=who[:200])  # fmt: skip
    session.add(row)
    session.flush()
    record_event(session, "vulnerabilities.feed_imported", FeedImport.__tablename__, str(row.id),
                 {"kind": parsed.kind, "file": file_name, "records": len(parsed.rows), "changed": changed})  # fmt: skip
    return row


def import_feed(
    session: Session, kind: str, data: bytes, file_name: str, who: str, progress: Progress | None = None
) -> FeedImport:
    """Parse and store a whole feed file in the caller's transaction (demo, tests, small files)."""
    parsed = parse_feed(kind, data, file_name)
    changed, now, size = 0, utcnow(), get_vulnerability_settings().batch_rows
    for start in range(0, len(parsed.rows), size):
        changed += store_rows(session, kind, parsed.rows[start : start + size], now)
        if progress is not None:
            progress(min(start + size, len(parsed.rows)), len(parsed.rows), f"stored {kind} rows")
    return record_import(session, parsed, file_name, changed, who)


def fetch_feed(kind: str) -> tuple[bytes, str]:
    """Download the KEV or EPSS feed through the outbound guard, if fetching is enabled (off by default)."""
    settings = get_vulnerability_settings()
    if not settings.fetch_enabled:
        raise Conflict("feed fetching is off (TANDEM_VULNERABILITIES_FETCH_ENABLED); side-load the file instead")
    urls = {"kev": settings.kev_url, "epss": settings.epss_url}
    if kind not in urls:
        raise InvalidInput.one("kind", "only kev and epss can be fetched; side-load NVD and OSV files")
    url = urls[kind]
    data = fetch(url, allow_hosts=get_settings().allow_hosts(), max_bytes=settings.max_feed_bytes,
                 timeout=settings.fetch_timeout_s)  # fmt: skip
    return data, url.rsplit("/", 1)[-1]

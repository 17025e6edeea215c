"""Vulnerability rules: list and triage findings, show advisories and feed status, queue imports and matching."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from tandem.platform.auth.permissions import require
from tandem.platform.auth.principal import Principal
from tandem.platform.config import get_settings
from tandem.platform.db.paging import ListSpec, Page, PageRequest
from tandem.platform.db.types import utcnow
from tandem.platform.errors import InvalidInput, NotFound
from tandem.platform.jobs.models import Job
from tandem.platform.jobs.service import enqueue
from tandem.vulnerabilities import actions, ingest
from tandem.vulnerabilities import repository as repo
from tandem.vulnerabilities.findings_view import Finding
from tandem.vulnerabilities.models import Triage
from tandem.vulnerabilities.schemas import AdvisoryRead, EpssRead, FeedStatus, FindingStatusIn, KevRead
from tandem.vulnerabilities.settings import get_vulnerability_settings

FINDING_SPEC = ListSpec(
    sort_fields=("priority_rank", "created_at", "last_seen_at", "cvss", "component"),
    default_sort="priority_rank",
    filter_fields=("status", "priority_tier", "kev", "advisory_id", "cve_id", "asset_id", "application_id",
                   "software_id", "path"),
    search_fields=("component", "advisory_id", "cve_id"),
)  # fmt: skip
NEEDS_REASON = {"accepted", "false_positive"}
_UUID_FILTERS = {"asset_id", "application_id", "software_id"}


def _coerce_filters(req: PageRequest) -> tuple[PageRequest, bool]:
    """Turn filter strings into column types; pull out `kev` (a flag, not an equality)."""
    filters: dict[str, Any] = dict(req.filters)
    kev = filters.pop("kev", "").lower() in {"1", "true", "yes", "on"}
    try:
        if "priority_tier" in filters:
            filters["priority_tier"] = int(filters["priority_tier"])
        for name in _UUID_FILTERS & set(filters):
            filters[name] = uuid.UUID(filters[name])
    except ValueError:
        raise InvalidInput.one("query", "a filter value has the wrong type") from None
    return PageRequest(req.limit, req.cursor, req.sort, req.descending, filters, req.q, req.spec), kev


def list_findings(session: Session, principal: Principal, req: PageRequest) -> Page[Finding]:
    """List the findings principal may see, most urgent first by default."""
    require(session, principal, actions.VIEW.name)
    req, kev = _coerce_filters(req)
    return repo.FindingRepository(session).list_page(principal, req, kev_only=kev)


def finding_counts(session: Session, principal: Principal) -> dict[str, int]:
    """Return visible finding counts per status and per open priority tier."""
    require(session, principal, actions.VIEW.name)
    return repo.FindingRepository(session).counts(principal)


def get_finding(session: Session, principal: Principal, finding_id: uuid.UUID) -> Finding:
    """Return a finding principal may see (NotFound otherwise)."""
    found = repo.FindingRepository(session).get(principal, finding_id)
    if found is None:
        raise NotFound("finding not found")
    return found


def set_status(session: Session, principal: Principal, finding_id: uuid.UUID, data: FindingStatusIn) -> Finding:
    """Record a triage decision with who and why in the finding's triage row (audited as a field change)."""
    finding = get_finding(session, principal, finding_id)
    require(session, principal, actions.EDIT.name, finding)
    if data.status in NEEDS_REASON and not data.reason:
        raise InvalidInput.one("body.reason", f"say why the finding is {data.status.replace('_', ' ')}")
    findings = repo.FindingRepository(session)
    triage = findings.triage(finding.software_id, finding.advisory_id)
    if triage is None:
        triage = Triage(org_unit_id=finding.org_unit_id, software_id=finding.software_id,
                        advisory_id=finding.advisory_id, version_id=finding.version_id)  # fmt: skip
        session.add(triage)
    triage.status, triage.status_reason = data.status, data.reason
    triage.status_by, triage.status_at = principal.username, utcnow()
    session.flush()
    return findings.refreshed(finding.id) or finding


def get_advisory(session: Session, principal: Principal, advisory_id: str) -> AdvisoryRead:
    """Return an advisory with its KEV entry and EPSS score."""
    require(session, principal, actions.VIEW.name)
    adv = repo.get_advisory(session, advisory_id)
    if adv is None:
        raise NotFound("advisory not found")
    read = AdvisoryRead.model_validate(adv)
    cves = [adv.id, *adv.aliases] if adv.source == "osv" else [adv.id]
    kev = next((k for c in cves if (k := repo.get_kev(session, c)) is not None), None)
    epss = next((e for c in cves if (e := repo.get_epss(session, c)) is not None), None)
    read.kev = KevRead.model_validate(kev) if kev else None
    read.epss = EpssRead.model_validate(epss) if epss else None
    return read


def feed_status(session: Session, principal: Principal) -> FeedStatus:
    """Return stored record counts, the latest imports and the latest match pass."""
    require(session, principal, actions.VIEW.name)
    return FeedStatus.model_validate(
        {"counts": repo.table_counts(session), "imports": list(repo.feed_imports(session)),
         "last_match": repo.last_run(session), "fetch_enabled": get_vulnerability_settings().fetch_enabled},
        from_attributes=True,
    )  # fmt: skip


def upload_dir() -> Path:
    """Return where uploaded feed files wait for their job."""
    path = get_settings().data_dir / "uploads" / "vulnerabilities"
    path.mkdir(parents=True, exist_ok=True)
    return path


def queue_feed_import(
    session: Session, principal: Principal, kind: str, data: bytes, file_name: str, match: bool = True
) -> Job:
    """Store an uploaded feed file and queue its import (which queues a delta match when rows changed); kind `auto`
    tells the kind from the file's content."""
    require(session, principal, actions.EDIT.name)
    if not data:
        raise InvalidInput.one("body", "the feed file is empty")
    kind = ingest.detect_kind(data, file_name) if kind == "auto" else ingest.check_kind(kind)
    stored = upload_dir() / f"{uuid.uuid4().hex}.feed"
    stored.write_bytes(data)
    stored.chmod(0o600)
    args = {"stored": stored.name, "kind": kind, "file_name": file_name[:200], "match": match}
    return enqueue(session, "vulnerabilities.import_feed", args)


def queue_match(session: Session, principal: Principal, mode: str = "delta") -> Job:
    """Queue a matching pass (delta: only what changed since the last pass)."""
    require(session, principal, actions.EDIT.name)
    if mode not in ("delta", "full"):
        raise InvalidInput.one("mode", "must be delta or full")
    return enqueue(session, "vulnerabilities.match_inventory", {"mode": mode})

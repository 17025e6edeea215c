"""The CVE view: what a CVE is (advisory, KEV, EPSS) and which visible software items it affects, and why."""

from __future__ import annotations

import re
import uuid
from typing import Any

from sqlalchemy.orm import Session

from tandem.platform.auth.permissions import require
from tandem.platform.auth.principal import Principal
from tandem.platform.db.paging import ListSpec, PageRequest
from tandem.platform.errors import InvalidInput, NotFound, PermissionDenied
from tandem.platform.references import Ref, register_related
from tandem.vulnerabilities import actions, history
from tandem.vulnerabilities import repository as repo
from tandem.vulnerabilities.schemas import (
    AdvisoryRead,
    AffectedPage,
    CveRead,
    EpssPoint,
    EpssRead,
    FindingRead,
    KevEvent,
    KevRead,
)
from tandem.vulnerabilities.service import FINDING_SPEC, get_advisory, list_findings

CVE_ID = re.compile(r"^CVE-\d{4}-\d{4,7}$")
# The affected list of a CVE pages and filters like the findings list; the CVE itself is fixed by the path.
AFFECTED_SPEC = ListSpec(
    sort_fields=FINDING_SPEC.sort_fields,
    default_sort=FINDING_SPEC.default_sort,
    filter_fields=("status", "asset_id", "application_id", "path"),
    search_fields=("component",),
)
TOP_ON_RECORD = 5  # findings shown on an inventory record's page


def normalise_cve_id(raw: str) -> str:
    """Return the CVE id in its canonical upper-case form (InvalidInput when it is not one)."""
    cve_id = raw.strip().upper()
    if not CVE_ID.match(cve_id):
        raise InvalidInput.one("path.cve_id", "must look like CVE-2024-6387")
    return cve_id


def _advisory(session: Session, principal: Principal, cve_id: str) -> AdvisoryRead | None:
    try:
        return get_advisory(session, principal, cve_id)
    except NotFound:
        return None


def get_cve(session: Session, principal: Principal, raw_id: str, req: PageRequest) -> CveRead:
    """Return a CVE with its KEV entry, EPSS score and one page of the findings principal may see.

    A CVE known to the feeds shows even when none of its findings is visible; one known nowhere is NotFound."""
    require(session, principal, actions.VIEW.name)
    cve_id = normalise_cve_id(raw_id)
    advisory = _advisory(session, principal, cve_id)
    kev, epss = repo.get_kev(session, cve_id), repo.get_epss(session, cve_id)
    filters = {**req.filters, "cve_id": cve_id}
    page = list_findings(session, principal, PageRequest(req.limit, req.cursor, req.sort, req.descending, filters,
                                                         req.q, FINDING_SPEC))  # fmt: skip
    findings = repo.FindingRepository(session)
    statuses = findings.status_counts(principal, cve_id=cve_id)
    if advisory is None and kev is None and epss is None and not statuses:
        raise NotFound("CVE not found")
    labels = repo.asset_labels(session, principal, (f.asset_id for f in page.items if f.asset_id is not None))
    affected = AffectedPage(
        items=[FindingRead.model_validate(f) for f in page.items], next_cursor=page.next_cursor,
        statuses=statuses, asset_labels={str(k): v for k, v in labels.items()},
    )  # fmt: skip
    return CveRead(
        id=cve_id, advisory=advisory, affected=affected,
        epss_history=[EpssPoint(date=h.observed_on, **h.data) for h in history.history_of(session, cve_id, "epss")],
        kev_history=[KevEvent(date=h.observed_on, **h.data) for h in history.history_of(session, cve_id, "kev")],
        kev=advisory.kev if advisory and advisory.kev else (KevRead.model_validate(kev) if kev else None),
        epss=advisory.epss if advisory and advisory.epss else (EpssRead.model_validate(epss) if epss else None),
    )  # fmt: skip


def _open_findings_of(session: Session, principal: Principal | None, column: str, object_id: uuid.UUID) -> list[Ref]:
    """Return links to the most urgent open findings on the object, then one to all of them."""
    if principal is None or not principal.can_anywhere(actions.VIEW.name):
        return []
    try:
        require(session, principal, actions.VIEW.name)  # the check list_findings makes
    except PermissionDenied:
        return []
    findings = repo.FindingRepository(session)
    found = findings.top_open(principal, column, object_id, TOP_ON_RECORD + 1)
    top = found[:TOP_ON_RECORD]
    refs = [Ref(f"{f.cve_id or f.advisory_id} on {f.component}", f"/vulnerabilities/findings/{f.id}", _detail(f))
            for f in top]  # fmt: skip
    if not refs:
        return []
    # A short list is every open finding: counting them again would cost a second pass over the view.
    if len(found) <= TOP_ON_RECORD:
        total = len(top)
    else:
        total = findings.status_counts(principal, **{column: object_id}).get("open", 0)
    refs.append(Ref(f"All {total} open vulnerability findings", f"/vulnerabilities?{column}={object_id}",
                    f"vulnerabilities, most urgent first (top {len(top)} above)"))  # fmt: skip
    return refs


def _detail(finding: Any) -> str:
    parts = ["vulnerability", finding.priority_label]
    if finding.kev_due:
        parts.append(f"KEV due {finding.kev_due}")
    if finding.cvss is not None:
        parts.append(f"CVSS {finding.cvss}")
    return " · ".join(p for p in parts if p)


def open_findings_on_asset(session: Session, principal: Principal | None, asset_id: uuid.UUID) -> list[Ref]:
    """Return the asset's most urgent open findings as links (what its inventory page shows)."""
    return _open_findings_of(session, principal, "asset_id", asset_id)


def open_findings_on_software(session: Session, principal: Principal | None, software_id: uuid.UUID) -> list[Ref]:
    """Return the software item's most urgent open findings as links."""
    return _open_findings_of(session, principal, "software_id", software_id)


register_related("asset", open_findings_on_asset)
register_related("software", open_findings_on_software)

"""Open vulnerability findings, most urgent first: known-exploited (KEV) findings lead, then by priority tier."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from tandem.platform.auth.principal import Principal
from tandem.reporting.queries.common import graceful, link, may, scoped
from tandem.vulnerabilities import service as vulnerabilities
from tandem.vulnerabilities.models import Finding

VIEW = "vulnerabilities.view"
CRITICAL_TIERS = (1, 2)  # 1 = in the KEV catalogue, 2 = high EPSS (likely to be exploited)


@dataclass
class FindingRow:
    """One vulnerability (CVE or advisory) with its open findings, for a panel."""

    cve: str
    component: str
    kev: bool
    kev_due: str
    tier: int
    label: str
    findings: int
    url: str


@dataclass
class OpenFindings:
    """Open findings per tier, the KEV count and the most urgent few."""

    open: int = 0
    kev: int = 0
    by_tier: dict[int, int] = field(default_factory=dict)
    top: list[FindingRow] = field(default_factory=list)
    list_url: str = link("/vulnerabilities", status="open")
    kev_url: str = link("/vulnerabilities", status="open", kev="1")

    @property
    def critical(self) -> int:
        """Return open findings in the critical tiers (KEV or likely exploited)."""
        return sum(self.by_tier.get(t, 0) for t in CRITICAL_TIERS)

    def tier_url(self, tier: int) -> str:
        """Return the list of open findings of one tier."""
        return link("/vulnerabilities", status="open", priority_tier=tier)


@graceful(OpenFindings)
def open_findings(session: Session, principal: Principal, limit: int = 5) -> OpenFindings:
    """Return open finding counts and the most urgent open findings (KEV first, then priority rank)."""
    if not may(principal, VIEW):
        return OpenFindings()
    counts = vulnerabilities.finding_counts(session, principal)
    by_tier = {int(k.split(":", 1)[1]): int(v) for k, v in counts.items() if k.startswith("tier:")}
    return OpenFindings(counts.get("status:open", 0), counts.get("kev_open", 0), by_tier,
                        _top(session, principal, limit))  # fmt: skip


def _top(session: Session, principal: Principal, limit: int) -> list[FindingRow]:
    """Return the most urgent open vulnerabilities, one row per CVE with how many findings carry it."""
    rank = func.min(Finding.priority_rank)
    kev = func.max(case((Finding.kev, 1), else_=0))
    stmt = scoped(
        select(Finding.cve_id, Finding.advisory_id, func.min(Finding.component), kev, func.min(Finding.kev_due),
               func.min(Finding.priority_tier), func.min(Finding.priority_label), func.count(), rank)
        .where(Finding.status == "open")
        .group_by(Finding.cve_id, Finding.advisory_id),
        session, principal, Finding, VIEW,
    ).order_by(rank, Finding.cve_id).limit(limit)  # fmt: skip
    rows = [
        FindingRow(cve or adv, comp or "", bool(kev), due or "", int(tier), label or "", int(n),
                   link("/vulnerabilities", status="open", cve_id=cve) if cve else link("/vulnerabilities", q=adv))
        for cve, adv, comp, kev, due, tier, label, n, _ in session.execute(stmt)
    ]  # fmt: skip
    return sorted(rows, key=lambda r: not r.kev)  # stable: priority order within KEV and non-KEV

"""Third-party risk by tier: how many vendors sit in each inherent tier and how many of them carry a high or
critical residual rating or open flags."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from tandem.platform.auth.principal import Principal
from tandem.reporting.queries.common import graceful, may, shared
from tandem.vendors import service as vendors

VIEW = "vendors.view"
TIERS = ("critical", "high", "medium", "low")
SEVERE = ("high", "critical")
MAX_AGE = 60.0  # the vendors' risk view walks each vendor's reach (~40 ms a vendor): reuse it for a minute


@dataclass
class TierRow:
    """Vendors of one tier."""

    tier: str
    vendors: int = 0
    severe_residual: int = 0  # residual rating high or critical
    flagged: int = 0


@dataclass
class VendorRisk:
    """Vendors per tier, most severe tier first."""

    tiers: list[TierRow] = field(default_factory=list)
    list_url: str = "/vendors/portfolio"

    @property
    def total(self) -> int:
        """Return all visible vendors."""
        return sum(t.vendors for t in self.tiers)

    @property
    def severe(self) -> int:
        """Return the vendors whose residual rating is high or critical."""
        return sum(t.severe_residual for t in self.tiers)


@graceful(VendorRisk)
def vendor_risk(session: Session, principal: Principal, max_age: float = MAX_AGE) -> VendorRisk:
    """Return vendor counts, severe residual ratings and flagged vendors per tier (at most max_age seconds old)."""
    if not may(principal, VIEW):
        return VendorRisk()
    rows = shared(session, principal, "vendors.portfolio", max_age, lambda: vendors.portfolio(session, principal))
    tiers = {t: TierRow(t) for t in TIERS}
    for r in rows:
        row = tiers.setdefault(str(r["tier"]), TierRow(str(r["tier"])))
        row.vendors += 1
        row.severe_residual += int(str(r["residual"]) in SEVERE)
        row.flagged += int(bool(r["flags"]))
    return VendorRisk([t for t in tiers.values() if t.vendors or t.tier in TIERS])

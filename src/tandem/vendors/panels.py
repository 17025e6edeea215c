"""Home panels: upcoming renewals on the CIO home, vendor flags on the CISO home."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from tandem.platform.auth.principal import Principal
from tandem.vendors import service, spend
from tandem.vendors.settings import get_vendors_settings


def renewals_context(session: Session, principal: Principal) -> dict[str, Any]:
    """Return the next notice deadlines within the horizon (at most 8)."""
    days = get_vendors_settings().renewal_horizon_days
    return {"rows": spend.upcoming_renewals(session, principal, days)[:8], "days": days}


def flags_context(session: Session, principal: Principal) -> dict[str, Any]:
    """Return the vendors with flags, most severe first (at most 8)."""
    order = {"critical": 0, "high": 1, "medium": 2, "low": 3}
    rows = [r for r in service.portfolio(session, principal) if r["flags"]]
    rows.sort(key=lambda r: (order[r["flags"][0].severity], r["vendor"].name))
    return {"rows": rows[:8]}

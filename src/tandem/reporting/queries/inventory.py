"""The application portfolio and the inventory's freshness: the TIME grid, run cost by business capability, and
how many records nobody has verified lately.

Run costs are a restricted field (inventory.costs.view, checked on each application's unit): every sum counts only
the applications whose costs the reader may see, and says how many it left out, so a total is never silently short.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from tandem.inventory.models import MODELS, Application, Capability, Relation
from tandem.inventory.settings import get_inventory_settings
from tandem.platform.auth.principal import Principal
from tandem.platform.db.types import utcnow
from tandem.reporting.queries.common import graceful, link, may, ratio, scoped, units

VIEW = "inventory.view"
COSTS = "inventory.costs.view"
DISPOSITIONS = ("invest", "tolerate", "migrate", "eliminate")
FRESHNESS_KINDS = ("applications", "assets", "data-stores", "software", "vendors", "capabilities", "people")


@dataclass
class TimeCell:
    """Applications with one TIME disposition (or none) and the yearly run cost of those whose costs are shown."""

    disposition: str
    count: int
    run_cost: float
    url: str
    costs_hidden: int = 0  # applications counted here whose costs the reader may not see

    @property
    def costs_shown(self) -> bool:
        """Return whether run_cost means something: the cell is empty or holds a cost the reader may see."""
        return self.count == 0 or self.count > self.costs_hidden


@dataclass
class AppPortfolio:
    """The TIME grid and run cost by the capabilities the applications support."""

    grid: list[TimeCell] = field(default_factory=list)
    total: int = 0
    run_cost: float = 0.0
    by_capability: list[tuple[str, float, str]] = field(default_factory=list)  # (name, run cost, url)
    unassigned_cost: float = 0.0
    list_url: str = "/inventory/applications"
    costs_hidden: int = 0  # visible applications whose costs the reader may not see: left out of every sum
    may_see_costs: bool = False  # the reader holds inventory.costs.view on some unit

    @property
    def costs_shown(self) -> bool:
        """Return whether the sums mean something (false: every visible cost is hidden, show no money at all)."""
        return self.may_see_costs and (self.total == 0 or self.total > self.costs_hidden)


@dataclass
class KindFreshness:
    """Records of one inventory kind, and how many are stale."""

    kind: str
    total: int
    stale: int
    url: str

    @property
    def share_stale(self) -> float | None:
        """Return the stale share (None for an empty kind)."""
        return ratio(self.stale, self.total)


@dataclass
class Freshness:
    """Inventory freshness per kind, against the configured staleness horizon."""

    days: int
    kinds: list[KindFreshness] = field(default_factory=list)
    url: str = "/inventory/freshness"

    @property
    def total(self) -> int:
        """Return all visible records."""
        return sum(k.total for k in self.kinds)

    @property
    def stale(self) -> int:
        """Return all stale records."""
        return sum(k.stale for k in self.kinds)

    @property
    def share_stale(self) -> float | None:
        """Return the stale share of the whole inventory."""
        return ratio(self.stale, self.total)


@graceful(AppPortfolio)
def app_portfolio(session: Session, principal: Principal, top: int = 8) -> AppPortfolio:
    """Return the TIME grid (count and run cost per disposition) and run cost by supported capability."""
    if not may(principal, VIEW):
        return AppPortfolio()
    cost_units = units(session, principal, COSTS)
    priced = Application.org_unit_id.in_(cost_units)
    cost = func.coalesce(func.sum(case((priced, Application.run_cost_minor), else_=None)), 0)
    hidden = func.coalesce(func.sum(case((priced, 0), else_=1)), 0)
    stmt = select(Application.time_disposition, func.count(), cost, hidden).group_by(Application.time_disposition)
    found = session.execute(scoped(stmt, session, principal, Application, VIEW))
    rows = {d: (int(n), float(c) / 100, int(h)) for d, n, c, h in found}
    url = "/inventory/applications"
    grid = [_cell(rows, d, link(url, time_disposition=d)) for d in DISPOSITIONS]
    if None in rows:
        grid.append(_cell(rows, None, url))
    out = AppPortfolio(grid, sum(c.count for c in grid), sum(c.run_cost for c in grid))
    out.costs_hidden, out.may_see_costs = sum(c.costs_hidden for c in grid), bool(cost_units)
    out.by_capability, assigned = _by_capability(session, principal, top)
    out.unassigned_cost = max(0.0, out.run_cost - assigned)
    return out


def _cell(rows: dict[str | None, tuple[int, float, int]], disposition: str | None, url: str) -> TimeCell:
    count, cost, hidden = rows.get(disposition, (0, 0.0, 0))
    return TimeCell(disposition or "unassessed", count, cost, url, hidden)


def _by_capability(session: Session, principal: Principal, top: int) -> tuple[list[tuple[str, float, str]], float]:
    """Split each application's run cost evenly over the capabilities it supports (no cost is counted twice).

    Only applications whose costs the reader may see take part: a capability's bar never carries a hidden cost."""
    apps = select(Application.id, Application.run_cost_minor).where(
        Application.org_unit_id.in_(units(session, principal, COSTS))
    )
    apps = scoped(apps, session, principal, Application, VIEW).subquery()
    caps = scoped(select(Capability.id, Capability.name), session, principal, Capability, VIEW).subquery()
    edges = select(Relation.source_id, Relation.target_id).where(
        Relation.type == "supports", Relation.source_kind == "application", Relation.target_kind == "capability"
    )
    edges = scoped(edges, session, principal, Relation, VIEW).subquery()
    stmt = (
        select(apps.c.id, apps.c.run_cost_minor, caps.c.id, caps.c.name)
        .join(edges, edges.c.source_id == apps.c.id)
        .join(caps, caps.c.id == edges.c.target_id)
    )
    per_app: dict[object, list[tuple[object, str]]] = {}
    costs: dict[object, float] = {}
    for app_id, minor, cap_id, name in session.execute(stmt):
        per_app.setdefault(app_id, []).append((cap_id, name))
        costs[app_id] = float(minor or 0) / 100
    totals: dict[tuple[object, str], float] = {}
    for app_id, targets in per_app.items():
        for target in targets:
            totals[target] = totals.get(target, 0.0) + costs[app_id] / len(targets)
    ranked = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0][1]))[:top]
    return [(name, value, f"/inventory/capabilities/{cap_id}") for (cap_id, name), value in ranked], sum(costs.values())


@graceful(lambda: Freshness(get_inventory_settings().stale_after_days))
def freshness(session: Session, principal: Principal, now: dt.datetime | None = None) -> Freshness:
    """Count visible and stale records per inventory kind (stale: not verified within the configured days)."""
    days = get_inventory_settings().stale_after_days
    out = Freshness(days)
    if not may(principal, VIEW):
        return out
    before = (now or utcnow()) - dt.timedelta(days=days)
    for kind in FRESHNESS_KINDS:
        model = MODELS[kind]
        col = model.last_verified_at
        stale = func.coalesce(func.sum(case((or_(col.is_(None), col < before), 1), else_=0)), 0)
        total, old = session.execute(scoped(select(func.count(), stale), session, principal, model, VIEW)).one()
        if total:
            out.kinds.append(KindFreshness(kind, int(total), int(old), f"/inventory/{kind}"))
    return out

"""Application rationalisation: applications on the TIME grid with run cost and risk, and TIME consistency."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy.orm import Session

from tandem.inventory import service as inventory
from tandem.platform.auth.principal import Principal
from tandem.platform.db.paging import PageRequest
from tandem.risk import service as risk_service
from tandem.risk import simulation as risk_simulation
from tandem.strategy import repository as repo

# TIME quadrant centres on (technical fit, business fit): the inventory records the disposition, not the two fits,
# so an application sits in its quadrant, spread by a stable jitter so bubbles do not overlap.
QUADRANT = {"invest": (0.75, 0.75), "migrate": (0.25, 0.75), "tolerate": (0.75, 0.25), "eliminate": (0.25, 0.25)}


def _jitter(name: str) -> tuple[float, float]:
    digest = hashlib.sha256(name.encode()).digest()
    return (digest[0] / 255 - 0.5) * 0.36, (digest[1] / 255 - 0.5) * 0.36


def time_grid(session: Session, principal: Principal) -> list[dict[str, Any]]:
    """Return the visible applications with a TIME disposition: position, run cost, ALE, linked initiatives."""
    kind = inventory.kind_of("application")
    page = inventory.list_records(session, principal, kind, PageRequest.parse(kind.spec, {"limit": "500"}))
    out = []
    for app in page.items:
        if app.time_disposition not in QUADRANT:
            continue
        ale = 0.0
        for scenario in risk_service.scenarios_for_object(session, principal, app.id):
            result = risk_simulation.result_of(session, principal, scenario.id) or {}
            ale += float(result.get("mean") or 0.0)
        cx, cy = QUADRANT[app.time_disposition]
        dx, dy = _jitter(app.name)
        cost = (app.run_cost_minor or 0) / 100
        links = [(i, a) for i in repo.initiatives_linking(session, "applications", app.id)
                 for a in repo.links_of(session, "applications", [i])[i] if a.application_id == app.id]  # fmt: skip
        out.append(
            {
                "id": str(app.id),
                "name": app.name,
                "disposition": app.time_disposition,
                "run_cost": cost,
                "ale": ale,
                "technical_fit": cx + dx,
                "business_fit": cy + dy,
                "size": 14 + min(46.0, (cost / 20_000) ** 0.5),
                "actions": [a.action for _, a in links],
            }
        )
    return out


def inconsistencies(apps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return applications to be eliminated that still get invest initiatives (each needed a flagged exception)."""
    return [a for a in apps if a["disposition"] == "eliminate" and "invest" in a["actions"]]

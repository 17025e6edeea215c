"""Application rationalisation: applications on the TIME grid with run cost and risk, and TIME consistency.

Run cost is a restricted field of the application (inventory.costs.view on its unit): an application whose cost the
reader may not see has no run_cost key at all and a neutral bubble size that says nothing about the cost."""

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
from tandem.strategy.fit import HIGH, LOW, suggested_disposition

# TIME quadrant centres on (technical fit, business fit), for applications with a disposition but no fit scores
# yet: they sit in their quadrant, spread by a stable jitter so bubbles do not overlap, drawn as not assessed.
QUADRANT = {"invest": (0.75, 0.75), "migrate": (0.25, 0.75), "tolerate": (0.75, 0.25), "eliminate": (0.25, 0.25)}
NEUTRAL_SIZE = 20.0  # bubble size of an application whose cost the reader may not see (not derived from the cost)


def _jitter(name: str) -> tuple[float, float]:
    digest = hashlib.sha256(name.encode()).digest()
    return (digest[0] / 255 - 0.5) * 0.36, (digest[1] / 255 - 0.5) * 0.36


def _axis(score: float) -> float:
    """Map a 1–5 score onto the grid's 0.05–0.95 axis (3, the midpoint, on the quadrant line)."""
    return 0.05 + 0.9 * (score - LOW) / (HIGH - LOW)


def time_grid(session: Session, principal: Principal) -> list[dict[str, Any]]:
    """Return the visible applications that have a TIME disposition or fit scores: position (from the scores, or the
    disposition's quadrant when not assessed), run cost, ALE, linked initiatives, and the suggested disposition."""
    kind = inventory.kind_of("application")
    page = inventory.list_records(session, principal, kind, PageRequest.parse(kind.spec, {"limit": "500"}))
    access = inventory.field_access(session, principal, kind)
    fits = repo.fits_for(session, [app.id for app in page.items])
    out = []
    for app in page.items:
        fit = fits.get(app.id)
        if app.time_disposition not in QUADRANT and fit is None:
            continue
        ale = 0.0
        for scenario in risk_service.scenarios_for_object(session, principal, app.id):
            result = risk_simulation.result_of(session, principal, scenario.id) or {}
            ale += float(result.get("mean") or 0.0)
        if fit is not None:
            x, y = _axis(fit.technical_fit), _axis(fit.business_fit)
            suggested = suggested_disposition(fit.business_fit, fit.technical_fit)
        else:
            (cx, cy), (dx, dy) = QUADRANT[app.time_disposition], _jitter(app.name)
            x, y, suggested = cx + dx, cy + dy, None
        links = [(i, a) for i in repo.initiatives_linking(session, "applications", app.id)
                 for a in repo.links_of(session, "applications", [i])[i] if a.application_id == app.id]  # fmt: skip
        item: dict[str, Any] = {
            "id": str(app.id),
            "name": app.name,
            "disposition": app.time_disposition,
            "assessed": fit is not None,
            "business_score": fit.business_fit if fit else None,
            "technical_score": fit.technical_fit if fit else None,
            "rationale": fit.rationale if fit else "",
            "suggested": suggested,
            "ale": ale,
            "technical_fit": x,
            "business_fit": y,
            "size": NEUTRAL_SIZE,
            "actions": [a.action for _, a in links],
        }
        if "run_cost" not in access.hidden(app.org_unit_id):
            cost = (app.run_cost_minor or 0) / 100
            item |= {"run_cost": cost, "size": 14 + min(46.0, (cost / 20_000) ** 0.5)}
        out.append(item)
    out.sort(key=lambda a: (not a["assessed"], a["name"].lower()))
    return out


def costs_hidden(apps: list[dict[str, Any]]) -> int:
    """Return how many of the applications have a run cost the reader may not see."""
    return sum("run_cost" not in a for a in apps)


def inconsistencies(apps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return applications to be eliminated that still get invest initiatives (each needed a flagged exception)."""
    return [a for a in apps if a["disposition"] == "eliminate" and "invest" in a["actions"]]


def disagreements(apps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return assessed applications whose recorded disposition differs from the quadrant of their fit scores."""
    return [a for a in apps if a["suggested"] is not None and a["disposition"] != a["suggested"]]

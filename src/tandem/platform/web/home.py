"""Role home pages: a CIO home, a CISO home and the joint view, filled by the domains' panels."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from tandem.platform.api.deps import DbSession, requires
from tandem.platform.auth.principal import Principal
from tandem.platform.errors import NotFound
from tandem.platform.manifest import HomePanel
from tandem.platform.web.render import render

router = APIRouter(include_in_schema=False)
log = logging.getLogger("tandem.web")
HOMES = {
    "cio": ("CIO home", "The IT portfolio: applications, initiatives, spend, vendors and the risks in money."),
    "ciso": ("CISO home", "The security program: risk posture, compliance, findings, people and incidents."),
    "joint": ("Joint view", "The few numbers the CIO and the CISO sign together."),
}
_panels: list[HomePanel] = []


def register_panels(panels: list[HomePanel]) -> None:
    """Add home panels (from a manifest)."""
    for panel in panels:
        if panel not in _panels:
            _panels.append(panel)


def home_for(principal: Principal) -> str:
    """Return the home a user lands on, from their roles."""
    roles = principal.roles
    if "cio" in roles or ("it_analyst" in roles and "ciso" not in roles):
        return "cio"
    if roles & {"ciso", "security_analyst"}:
        return "ciso"
    return "joint"


@router.get("/", dependencies=[requires("public")])
def root() -> RedirectResponse:
    """Send visitors to their home (which asks them to sign in first)."""
    return RedirectResponse("/home", status_code=303)


@router.get("/home")
def home(principal: Principal = requires("home.view")) -> RedirectResponse:
    """Redirect to the home of the user's role."""
    return RedirectResponse(f"/home/{home_for(principal)}", status_code=303)


def _panel_context(panel: HomePanel, session: Any, principal: Principal) -> dict[str, Any]:
    try:
        return {"ok": True, **panel.context(session, principal)}
    except Exception:  # one broken panel must not take the home page down
        log.exception("home panel %s failed", panel.title)
        return {"ok": False}


@router.get("/home/{which}")
def home_page(
    which: str, request: Request, session: DbSession, principal: Principal = requires("home.view")
) -> HTMLResponse:
    """Render a home with the panels the user may see."""
    if which not in HOMES:
        raise NotFound("no such home page")
    panels = [p for p in sorted(_panels, key=lambda p: p.order) if p.home == which and principal.can_anywhere(p.action)]
    rendered = [(p, _panel_context(p, session, principal)) for p in panels]
    title, intro = HOMES[which]
    return render(request, "platform/home.html", which=which, title=title, intro=intro, homes=HOMES, panels=rendered)

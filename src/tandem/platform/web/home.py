"""Role home pages: a CIO home, a CISO home and the joint view, filled by the domains' panels."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from markupsafe import Markup
from sqlalchemy import func, select

from tandem.platform.api.deps import DbSession, requires
from tandem.platform.auth.principal import Principal
from tandem.platform.errors import NotFound
from tandem.platform.manifest import HomePanel
from tandem.platform.web.render import env, render

router = APIRouter(include_in_schema=False)
log = logging.getLogger("tandem.web")
HOMES = {
    "cio": ("CIO home", "The IT portfolio: applications, initiatives, spend, vendors and the risks in money."),
    "ciso": ("CISO home", "The security program: risk posture, compliance, findings, people and incidents."),
    "joint": ("Joint view", "The few numbers the CIO and the CISO sign together."),
}
_panels: list[HomePanel] = []
# Rendered panels are reused while nothing audited changed and for at most CACHE_SECONDS (countdowns move on):
# a home shows a dozen domains' aggregates, and some of them take hundreds of milliseconds to compute.
CACHE_SECONDS = 60.0
CACHE_MAX = 512
_cache: dict[tuple[Any, ...], tuple[float, Markup]] = {}
_cache_lock = threading.Lock()
FAILED = Markup('<p class="muted">This panel could not be loaded; the error was logged.</p>')


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
        return {"ok": True, **panel.context_function()(session, principal)}
    except Exception:  # one broken panel must not take the home page down
        log.exception("home panel %s failed", panel.title)
        return {"ok": False}


def data_version(session: Any) -> int:
    """Return the audit log's head sequence: every audited change anywhere moves it."""
    from tandem.platform.audit.models import AuditHead

    return int(session.scalar(select(func.max(AuditHead.seq))) or 0)


def _panel_html(panel: HomePanel, session: Any, principal: Principal, base: dict[str, Any], version: int) -> Markup:
    """Render one panel, reusing the HTML rendered for the same user, session and data for CACHE_SECONDS."""
    key = (panel.home, panel.title, str(session.get_bind().engine.url), principal, base["csrf_token"], version)
    now = time.monotonic()
    with _cache_lock:
        hit = _cache.get(key)
    if hit is not None and now - hit[0] < CACHE_SECONDS:
        return hit[1]
    ctx = _panel_context(panel, session, principal)
    html = FAILED
    if ctx["ok"]:
        try:  # autoescaped template output
            html = Markup(env().get_template(panel.template).render(**base, panel=panel, ctx=ctx))  # noqa: S704  # nosec B704
        except Exception:  # one broken panel must not take the home page down
            log.exception("home panel %s failed to render", panel.title)
            ctx["ok"] = False
    with _cache_lock:
        if len(_cache) >= CACHE_MAX:
            _cache.clear()
        if ctx["ok"]:
            _cache[key] = (now, html)
    return html


def clear_cache() -> None:
    """Forget every rendered panel (tests; a new deployment)."""
    with _cache_lock:
        _cache.clear()


@router.get("/home/{which}")
def home_page(
    which: str, request: Request, session: DbSession, principal: Principal = requires("home.view")
) -> HTMLResponse:
    """Render a home with the panels the user may see."""
    if which not in HOMES:
        raise NotFound("no such home page")
    panels = [p for p in sorted(_panels, key=lambda p: p.order) if p.home == which and principal.can_anywhere(p.action)]
    csrf = getattr(request.state, "csrf_token", "") or request.cookies.get("tandem_csrf", "")
    base = {"request": request, "principal": principal, "which": which, "csrf_token": csrf}
    version = data_version(session)
    rendered = [(p, _panel_html(p, session, principal, base, version)) for p in panels]
    title, intro = HOMES[which]
    return render(request, "platform/home.html", which=which, title=title, intro=intro, homes=HOMES, panels=rendered)

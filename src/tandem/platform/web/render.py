"""Render pages with the layout's context: the user, navigation, CSRF token, flash messages."""

from __future__ import annotations

import json
import urllib.parse
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from tandem.platform.auth.principal import ANONYMOUS, Principal
from tandem.platform.manifest import NavItem

_template_dirs: list[Path] = [Path(__file__).parent / "templates"]
_nav: list[NavItem] = []
_env: Environment | None = None


def register_templates(path: Path) -> None:
    """Add a domain's template folder."""
    global _env
    if path not in _template_dirs:
        _template_dirs.append(path)
        _env = None


def register_nav(items: list[NavItem]) -> None:
    """Add navigation links (from a manifest)."""
    for item in items:
        if item not in _nav:
            _nav.append(item)


def _json_script(value: Any) -> Markup:
    """Serialise for a <script type=application/json> block; '<' is escaped so data cannot end the tag."""
    text = json.dumps(value, default=str).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    # Escaped above for the script-data context.
    return Markup(text)  # noqa: S704  # nosec B704


_ACRONYMS = {
    "it": "IT", "ip": "IP", "os": "OS", "rto": "RTO", "rpo": "RPO", "sso": "SSO", "mfa": "MFA", "cpe": "CPE",
    "mac": "MAC", "url": "URL", "eu": "EU", "phi": "PHI", "time": "TIME", "kev": "KEV", "epss": "EPSS", "cve": "CVE",
}  # fmt: skip


def field_label(name: str) -> str:
    """Turn a field name into a label: "it_owner_id" → "IT owner", "rto_hours" → "RTO hours"."""
    words = [_ACRONYMS.get(w, w) for w in name.removesuffix("_id").split("_") if w]
    if words and words[0] not in _ACRONYMS.values():
        words[0] = words[0].capitalize()
    return " ".join(words)


def money(value: Any) -> str:
    """Format {"amount": …, "currency": …} with thousands separators: "1,683,000 USD"."""
    try:
        amount = Decimal(str(value.get("amount")))
    except (InvalidOperation, AttributeError):
        return str(value)
    text = f"{amount:,.2f}".removesuffix(".00")
    return f"{text} {value.get('currency', '')}".strip()


def env() -> Environment:
    """Return the Jinja environment (autoescaping on for every template)."""
    global _env
    if _env is None:
        _env = Environment(
            loader=ChoiceLoader([FileSystemLoader(str(p)) for p in _template_dirs]),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
            # Templates ship with the code: no stat() of every template and its parents on every page.
            auto_reload=False,
        )
        _env.filters["json_script"] = _json_script
        _env.filters["field_label"] = field_label
        _env.filters["money"] = money
        _env.filters["dt"] = lambda v: v.strftime("%Y-%m-%d %H:%M UTC") if v else "—"
        _env.filters["urlencode_params"] = lambda d: urllib.parse.urlencode({k: v for k, v in d.items() if v})
    return _env


# Actions' roles are fixed in code, so what the navigation shows depends only on the roles held and the token's
# scopes: built once per such key (and per highlighted link) instead of on every page.
_NavKey = tuple[frozenset[str], frozenset[str] | None, int]
_nav_cache: dict[_NavKey, dict[str, list[NavItem]]] = {}
_sidebar_cache: dict[tuple[_NavKey, tuple[str, ...]], Markup] = {}
_CACHE_LIMIT = 1024


def _nav_key(principal: Principal) -> _NavKey:
    return frozenset(principal.roles), principal.scopes, len(_nav)


def nav_for(principal: Principal) -> dict[str, list[NavItem]]:
    """Return the links principal may follow, grouped by section."""
    if principal.user_id is None:
        return {}
    key = _nav_key(principal)
    if (sections := _nav_cache.get(key)) is None:
        sections = {}
        for item in _nav:
            if principal.can_anywhere(item.action):
                sections.setdefault(item.section, []).append(item)
        if len(_nav_cache) >= _CACHE_LIMIT:
            _nav_cache.clear()
        _nav_cache[key] = sections
    return sections


def sidebar(principal: Principal, path: str) -> Markup:
    """Return the main navigation's HTML, the links under the current path marked as the current page."""
    sections = nav_for(principal)
    if not sections:
        return Markup("")
    active = tuple(item.path for items in sections.values() for item in items if path.startswith(item.path))
    key = (_nav_key(principal), active)
    if (html := _sidebar_cache.get(key)) is None:
        parts = ['<nav class="sidebar" aria-label="Main">']
        for section, items in sections.items():
            parts.append(f"<h2>{escape(section)}</h2><ul>")
            for item in items:
                current = ' aria-current="page"' if item.path in active else ""
                parts.append(f'<li><a href="{escape(item.path)}"{current}>{escape(item.label)}</a></li>')
            parts.append("</ul>")
        parts.append("</nav>")
        html = Markup("".join(parts))  # noqa: S704  # nosec B704 - every value above is escaped
        if len(_sidebar_cache) >= _CACHE_LIMIT:
            _sidebar_cache.clear()
        _sidebar_cache[key] = html
    return html


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render template inside the layout for the current user."""
    principal: Principal = getattr(request.state, "principal", ANONYMOUS)
    base = {
        "request": request, "principal": principal, "nav": nav_for(principal),
        "sidebar": sidebar(principal, request.url.path),
        "csrf_token": getattr(request.state, "csrf_token", "") or request.cookies.get("tandem_csrf", ""),
        "flash": request.query_params.get("flash", "")[:200],
    }  # fmt: skip
    html = env().get_template(template).render(**base, **context)
    return HTMLResponse(html, status_code=status_code)


def redirect(path: str, flash: str = "") -> RedirectResponse:
    """Redirect after a successful form post (303 so the browser GETs the target)."""
    if flash:
        path, hash_mark, fragment = path.partition("#")  # the query must come before a #fragment
        sep = "&" if "?" in path else "?"
        path = f"{path}{sep}{urllib.parse.urlencode({'flash': flash})}{hash_mark}{fragment}"
    return RedirectResponse(path, status_code=303)


def safe_next(target: str | None) -> str:
    """Return target only if it is a path on this site; anything else goes home (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/home"
    parsed = urllib.parse.urlparse(target)
    if parsed.scheme or parsed.netloc or "\\" in target:
        return "/home"
    return target

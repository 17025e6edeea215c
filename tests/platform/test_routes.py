"""Meta-tests over the route table: every route declares its permission; no state change on a safe method."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.routing import APIRoute

from tandem.app import create_app
from tandem.platform.auth.roles import get_action

PUBLIC = {
    "/healthz", "/readyz", "/login", "/", "/static/{name}", "/static/vendor/plotly.min.js", "/favicon.ico",
    "/login/mfa", "/login/sso", "/login/sso/callback", "/access/static/review.js",
}  # fmt: skip


def _actions(dependant: Any) -> list[str]:
    found = []
    for dep in dependant.dependencies:
        action = getattr(dep.call, "tandem_action", None)
        if action is not None:
            found.append(action)
        found.extend(_actions(dep))
    return found


def _routes() -> list[APIRoute]:
    from tandem.platform.config import get_settings
    from tandem.platform.db.uow import get_database

    app = create_app(get_settings(), get_database())
    routes = list(_walk(app.routes))
    assert len(routes) > 300  # the walk reaches the routers' routes (newer FastAPI wraps included routers)
    return routes


def _walk(routes: list[Any]) -> Iterator[APIRoute]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):
            yield from _walk(route.original_router.routes)


@pytest.mark.asvs("V8.1.1")
def test_every_route_declares_a_permission_action() -> None:
    missing = []
    for route in _routes():
        actions = _actions(route.dependant)
        if not actions:
            missing.append(f"{sorted(route.methods)} {route.path}")
            continue
        for action in actions:
            if action == "public":
                # Secret-link pages (/p/…) are public by design: each must take the link's token in its path.
                link_page = route.path.startswith("/p/") and "{token}" in route.path
                assert route.path in PUBLIC or link_page, f"{route.path} is public but not on the reviewed list"
            else:
                get_action(action)  # registered, not a typo
    assert missing == [], f"routes without a declared permission action: {missing}"


@pytest.mark.asvs("V3.5.3")
def test_no_state_change_on_safe_methods() -> None:
    for route in _routes():
        if route.methods & {"GET", "HEAD"}:
            name = route.endpoint.__name__
            assert not name.startswith(("create", "delete", "revoke", "cancel", "grant", "set_", "update")), route.path


def test_api_paths_follow_the_convention() -> None:
    for route in _routes():
        if route.path.startswith("/api/") and route.path not in ("/api/docs",):
            assert route.path.startswith("/api/v1/"), route.path

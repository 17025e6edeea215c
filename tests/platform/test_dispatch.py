"""The route index answers exactly what FastAPI's full scan of every included router answers."""

from __future__ import annotations

import re

from fastapi.routing import _IncludedRouter

from tandem.app import create_app
from tandem.platform.api.dispatch import IndexedIncludedRouter


def _paths(routes: list[object]) -> set[str]:
    paths = {"/", "", "/nope", "//inventory", "/api", "/api/v1", "/api/v1/", "/static", "/static/app.css"}
    for route in routes:
        if isinstance(route, _IncludedRouter):
            for context in route.effective_route_contexts():
                template = getattr(context.starlette_route or context, "path_format", "") or ""
                for path in (template, re.sub(r"\{[^}]*\}", "7", template)):
                    paths |= {path, path + "/", path.rstrip("/"), path + "/x"}
    return paths


def _full_scan(route: object, scope: dict[str, object]) -> object:
    if isinstance(route, IndexedIncludedRouter):
        return _IncludedRouter.matches(route, dict(scope))[0]
    return route.matches(dict(scope))[0]  # type: ignore[attr-defined]


def test_index_answers_as_the_full_scan() -> None:
    from tandem.platform.config import get_settings
    from tandem.platform.db.uow import get_database

    routes = create_app(get_settings(), get_database()).router.routes
    assert sum(isinstance(r, IndexedIncludedRouter) for r in routes) > 10
    checked = 0
    for path in sorted(_paths(routes)):
        for method in ("GET", "POST", "DELETE"):
            scope = {"type": "http", "method": method, "path": path, "root_path": "", "headers": []}
            full = [_full_scan(r, scope) for r in routes]
            fast = [r.matches(dict(scope))[0] for r in routes]
            assert full == fast, (method, path)
            checked += 1
    assert checked > 3_000

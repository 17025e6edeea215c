"""Skip included routers that cannot match a path, so a request no longer tries all ~700 routes in turn.

FastAPI checks every route of every included router one after another (several µs each). Each included
router here learns the leading static path segments of its routes; a request whose path starts differently
is answered "no match" at once, which is exactly what the full check would have answered (a route's static
text is matched literally). Order, 405s, trailing-slash redirects, mounts and 404s are unchanged: routers
that may match are still asked in their original order, and any route whose path begins with a parameter
(or has no path) makes its router always asked. The router that matched is then not scanned a second time to
dispatch the request (see IndexedIncludedRouter._match).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI
from fastapi.routing import _IncludedRouter
from starlette._utils import get_route_path
from starlette.routing import Match
from starlette.types import Scope

DEPTH = 3  # segments worth indexing: /api/v1/<domain>
_MATCH_KEY = "tandem.router_match"
_ANY: tuple[str, ...] = ()  # a route that may match any path


def static_head(path_format: str | None) -> tuple[str, ...]:
    """Return the leading segments of a route path that are plain text (at most DEPTH of them)."""
    if not path_format or not path_format.startswith("/"):
        return _ANY
    head: list[str] = []
    for segment in path_format.split("/")[1 : DEPTH + 1]:
        if "{" in segment:
            break
        head.append(segment)
    return tuple(head)


@dataclass
class IndexedIncludedRouter(_IncludedRouter):
    """An included router that answers NONE without scanning when no route's static head fits the path."""

    _heads: dict[int, frozenset[tuple[str, ...]]] | None = field(default=None, repr=False, compare=False)
    _heads_version: int | None = field(default=None, repr=False, compare=False)

    def heads(self) -> dict[int, frozenset[tuple[str, ...]]] | None:
        """Return the static heads by length, or None when some route may match any path."""
        version = self.original_router._get_routes_version()
        if version != self._heads_version:
            found: set[tuple[str, ...]] = set()
            for context in self.effective_route_contexts():
                found.add(static_head(getattr(context.starlette_route or context, "path_format", None)))
            by_length: dict[int, set[tuple[str, ...]]] = {}
            for head in found:
                by_length.setdefault(len(head), set()).add(head)
            self._heads = None if _ANY in found else {n: frozenset(h) for n, h in by_length.items()}
            self._heads_version = version
        return self._heads

    def may_match(self, scope: Scope) -> bool:
        """Return False only when no route of this router can match the scope's path."""
        heads = self.heads()
        path = get_route_path(scope)
        if heads is None or not path.startswith("/"):
            return True
        segments = tuple(path.split("/")[1 : DEPTH + 1])
        return any(segments[:length] in group for length, group in heads.items())

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if not self.may_match(scope):
            return Match.NONE, {}
        return super().matches(scope)

    def _match(self, scope: Scope) -> Any:
        """Scan this router's routes once per request: the app asks whether it matches, then dispatches into it,
        and FastAPI scans for both. The answer is kept in the scope, keyed by what a match depends on."""
        key = (id(self), scope.get("type"), scope.get("method"), scope.get("path"), scope.get("root_path"))
        kept = scope.get(_MATCH_KEY)
        if kept is not None and kept[0] == key:
            return kept[1]
        found = super()._match(scope)
        scope[_MATCH_KEY] = (key, found)
        return found


def index_routes(app: FastAPI) -> None:
    """Replace the app's included routers by indexed ones (call once every router is included)."""
    routes = app.router.routes
    for position, route in enumerate(routes):
        if type(route) is _IncludedRouter:
            routes[position] = IndexedIncludedRouter(
                original_router=route.original_router, include_context=route.include_context
            )
    app.router._mark_routes_changed()
